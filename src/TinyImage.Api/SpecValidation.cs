using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Api;

/// <summary>
/// The outcome of validating a TinyImage: the resource when it could be read, the <see cref="ValidTinyImage"/> the
/// builders take when it is valid, and otherwise every error (never only the first few).
/// </summary>
public sealed record SpecValidation(TinyImageResource? Resource, ValidTinyImage? Valid, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Valid is not null;

    /// <summary>Every error as <c>PATH: MESSAGE</c>, joined with <c>"; "</c> (the InvalidSpec condition's message).</summary>
    public string Message => string.Join("; ", Errors);
}

using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Api;

/// <summary>The outcome of reading and validating a TinyImage: the resource when it could be read, and every error.</summary>
public sealed record SpecValidation(TinyImageResource? Resource, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Resource is not null && Errors.Count == 0;
}

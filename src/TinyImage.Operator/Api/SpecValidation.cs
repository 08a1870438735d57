using TinyImageResource = TinyImage.Operator.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Api;

/// <summary>The outcome of reading and validating a TinyImage: the resource when it could be read, and every error.</summary>
internal sealed record SpecValidation(TinyImageResource? Resource, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Resource is not null && Errors.Count == 0;
}

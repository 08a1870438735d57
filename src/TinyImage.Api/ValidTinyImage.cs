using TinyImage.Api.V1Alpha1;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Api;

/// <summary>
/// A TinyImage that <see cref="SpecValidator"/> found valid: every value a builder puts into a Containerfile, a Kaniko
/// argument, a volume, an image reference, a name or a label has been checked. Only the validator makes one (the
/// constructor is private and its one factory runs the validator), so the builders take this type and need not check
/// again: a builder handed an unvalidated spec does not compile.
/// </summary>
/// <remarks>It wraps the resource without copying it; like every cached object, the resource must not be changed afterwards.</remarks>
public sealed class ValidTinyImage
{
    private ValidTinyImage(TinyImageResource resource)
    {
        Resource = resource;
    }

    /// <summary>The validated resource.</summary>
    public TinyImageResource Resource { get; }

    /// <summary>The validated spec.</summary>
    public TinyImageSpec Spec => Resource.Spec;

    /// <summary>metadata.name (validated: present, a DNS-1035 label of at most 63 characters).</summary>
    public string Name => Resource.Metadata.Name;

    /// <summary>metadata.namespace (validated when present).</summary>
    public string? Namespace => Resource.Metadata.NamespaceProperty;

    /// <summary>
    /// The validator's only way to wrap a resource: it is wrapped when, and only when, it has no error. With
    /// <paramref name="validatedBefore"/> (only <see cref="ValidatedSpecs"/> passes it) the validator is not run again: the
    /// same uid and generation, so the same name, namespace and spec, were found valid before.
    /// </summary>
    internal static SpecValidation Of(TinyImageResource resource, bool validatedBefore = false)
    {
        if (validatedBefore)
        {
            return new SpecValidation(resource, new ValidTinyImage(resource), []);
        }

        var errors = SpecValidator.Errors(resource);
        return new SpecValidation(resource, errors.Count == 0 ? new ValidTinyImage(resource) : null, errors);
    }
}

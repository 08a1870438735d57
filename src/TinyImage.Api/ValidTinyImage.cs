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
    /// This TinyImage with <c>spec.build.builderImage</c> and <c>spec.build.kanikoImage</c> set to the given references
    /// (a toolchain pinned by digest), validated by the rules of those two fields alone: the rest of the copy is this
    /// valid TinyImage's, so a full validation would find nothing else (issue 17: the full validation of each pinned copy
    /// was a sixth of a pass). Only <c>spec.build</c> is copied; everything else is shared with this instance, which is
    /// not changed. The errors, when a reference does not validate, are the ones the full validation would name.
    /// </summary>
    public SpecValidation WithBuildImages(string? builderImage, string? kanikoImage)
    {
        var spec = Resource.Spec;
        var info = ApiJson.TypeInfo<BuildSpec>();
        var build = System.Text.Json.JsonSerializer.Deserialize(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(spec.Build, info), info)!;
        (build.BuilderImage, build.KanikoImage) = (builderImage, kanikoImage);
        var copy = new TinyImageResource
        {
            ApiVersion = Resource.ApiVersion,
            Kind = Resource.Kind,
            Metadata = Resource.Metadata,
            Spec = new TinyImageSpec
            {
                Source = spec.Source,
                Binary = spec.Binary,
                Build = build,
                Output = spec.Output,
                Verify = spec.Verify,
                Deploy = spec.Deploy,
            },
            Status = Resource.Status,
        };
        var errors = SpecValidator.BuildImageErrors(build);
        return new SpecValidation(copy, errors.Count == 0 ? new ValidTinyImage(copy) : null, errors);
    }

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

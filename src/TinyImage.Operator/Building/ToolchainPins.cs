using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Building;

/// <summary>
/// The build's toolchain images (the Containerfile's builder stage and the Kaniko executor) and their pinning: an image
/// named by tag only is resolved to a digest at build time, and the build then names it <c>IMAGE@sha256:...</c>, so the
/// same build hash always means the same toolchain. Pure: the digests come in, a pinned TinyImage goes out.
/// </summary>
internal static class ToolchainPins
{
    /// <summary>The toolchain images the build of <paramref name="tinyImage"/> uses, as named (defaults applied).</summary>
    public static IReadOnlyList<(string Role, string Image)> Images(ValidTinyImage tinyImage, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        var eb = EffectiveBuild.From(tinyImage.Spec, options);
        return [(ToolchainImage.RoleBuilder, eb.BuilderImage), (ToolchainImage.RoleKaniko, eb.KanikoImage)];
    }

    /// <summary>The digest an image reference is pinned to, or null for a reference by tag only.</summary>
    public static string? DigestOf(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var at = image.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? null : image[(at + 1)..];
    }

    /// <summary>Whether two toolchains name the same digests for the same roles and images.</summary>
    public static bool Same(IEnumerable<ToolchainImage>? a, IEnumerable<ToolchainImage>? b) =>
        Text(a) == Text(b);

    /// <summary><c>role=digest</c> pairs, comma-separated, in role order: for a history record.</summary>
    public static string? Text(IEnumerable<ToolchainImage>? toolchain) => toolchain is null
        ? null
        : string.Join(',', toolchain.OrderBy(t => t.Role, StringComparer.Ordinal).Select(t => t.Role + "=" + (t.Image ?? "").Split('@')[0] + "@" + t.Digest));

    /// <summary>
    /// The TinyImage with its builder and Kaniko images pinned to the digests in <paramref name="toolchain"/> (an image
    /// already pinned stays as it is). Null when a pinned reference would not validate (too long for the schema).
    /// </summary>
    /// <remarks>
    /// With <paramref name="validated"/> (its own instance) a copy pinned to the same references as before is not
    /// validated again: the uid and generation fix the rest of the spec (issue 17: this validation was 5 % of the
    /// operator's CPU, on every pass).
    /// </remarks>
    public static ValidTinyImage? Apply(ValidTinyImage tinyImage, OperatorOptions options, IReadOnlyList<ToolchainImage> toolchain, ValidatedSpecs? validated = null)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        ArgumentNullException.ThrowIfNull(toolchain);
        var (builder, kaniko) = (tinyImage.Spec.Build.BuilderImage, tinyImage.Spec.Build.KanikoImage);
        foreach (var (role, image) in Images(tinyImage, options))
        {
            var pinned = DigestOf(image) is null && toolchain.FirstOrDefault(t => t.Role == role && t.Image == image)?.Digest is { } digest
                ? image + "@" + digest
                : image;
            if (role == ToolchainImage.RoleBuilder)
            {
                builder = pinned;
            }
            else
            {
                kaniko = pinned;
            }
        }

        var copy = WithImages(tinyImage.Resource, builder, kaniko);
        return (validated is null
            ? SpecValidator.Validate(copy)
            : validated.Validate(copy, builder + "\n" + kaniko)).Valid;
    }

    /// <summary>
    /// A copy of <paramref name="resource"/> whose <c>spec.build</c> (only that part is copied, issue 17: a deep copy of the
    /// whole TinyImage was 4.6 % of the operator's CPU) names the given images; everything else is shared with the
    /// original, which is not changed: like every cached object, neither may be changed afterwards.
    /// </summary>
    internal static Api.V1Alpha1.TinyImage WithImages(Api.V1Alpha1.TinyImage resource, string? builderImage, string? kanikoImage)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var spec = resource.Spec;
        var build = ObjectCopy.Clone(spec.Build, ApiJson.TypeInfo<BuildSpec>());
        (build.BuilderImage, build.KanikoImage) = (builderImage, kanikoImage);
        return new Api.V1Alpha1.TinyImage
        {
            ApiVersion = resource.ApiVersion,
            Kind = resource.Kind,
            Metadata = resource.Metadata,
            Spec = new TinyImageSpec
            {
                Source = spec.Source,
                Binary = spec.Binary,
                Build = build,
                Output = spec.Output,
                Verify = spec.Verify,
                Deploy = spec.Deploy,
            },
            Status = resource.Status,
        };
    }
}

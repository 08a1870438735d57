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
    /// Only the two references are validated (<see cref="ValidTinyImage.WithBuildImages"/>): the rest is the valid
    /// TinyImage's (issue 17: a full validation of each pinned copy was a sixth of a pass).
    /// </remarks>
    public static ValidTinyImage? Apply(ValidTinyImage tinyImage, OperatorOptions options, IReadOnlyList<ToolchainImage> toolchain)
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

        return tinyImage.WithBuildImages(builder, kaniko).Valid;
    }
}

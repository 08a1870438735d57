using System.Security.Cryptography;
using System.Text;
using TinyImage.Api;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Building;

/// <summary>
/// The versioned forms of the build hash beside <see cref="BuildHash"/>'s v1 (which stays frozen: it is how a TinyImage
/// built by an earlier release is recognised). <see cref="FormatVersion"/> v2 is v1's keys computed from the spec with its
/// toolchain pinned by digest (<see cref="ToolchainPins"/>: <c>build.builderImage</c> and <c>build.kanikoImage</c> carry
/// <c>@sha256:</c>) plus <c>build.cargoAuditableVersion</c> when cargo-auditable is installed. <see cref="Inputs"/> is a
/// digest of the TinyImage's own inputs only (spec and source content, no operator default, no resolved digest), recorded
/// in status so a release that changes the hash's form or its pinned defaults rebuilds nothing by itself.
/// </summary>
internal static class PinnedBuildHash
{
    public const string FormatVersion = "tinyimage-build-hash/v2";
    public const string InputsVersion = "tinyimage-inputs/v1";

    /// <summary>Defaults that play no part in <see cref="Inputs"/>: only what the TinyImage itself says counts.</summary>
    private static readonly OperatorOptions Neutral = new() { BuilderImage = "", GnuBuilderImage = "", KanikoImage = "", RunAsUser = 0 };

    /// <summary>The v2 build hash of a TinyImage whose toolchain is pinned (see <see cref="ToolchainPins.Apply"/>).</summary>
    public static string Compute(ValidTinyImage pinned, OperatorOptions options, string? sourceContentDigest, string? commit = null)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(Canonicalize(pinned, options, sourceContentDigest, commit)));
        return Convert.ToHexStringLower(digest)[..BuildHash.Length];
    }

    /// <summary>
    /// The v2 hash without asking a registry, when every toolchain image is already pinned by digest (the defaults are);
    /// null when one is named by tag only (the operator resolves it when the build starts).
    /// </summary>
    public static string? ComputeOffline(ValidTinyImage tinyImage, OperatorOptions options, string? sourceContentDigest = null)
    {
        var toolchain = ToolchainPins.Images(tinyImage, options)
            .Select(i => new Api.V1Alpha1.ToolchainImage { Role = i.Role, Image = i.Image, Digest = ToolchainPins.DigestOf(i.Image) })
            .ToList();
        return toolchain.Any(t => t.Digest is null) || ToolchainPins.Apply(tinyImage, options, toolchain) is not { } pinned
            ? null
            : Compute(pinned, options, sourceContentDigest);
    }

    /// <summary>The canonical v2 text.</summary>
    public static string Canonicalize(ValidTinyImage pinned, OperatorOptions options, string? sourceContentDigest, string? commit = null)
    {
        ArgumentNullException.ThrowIfNull(pinned);
        ArgumentNullException.ThrowIfNull(options);
        var kv = BuildHash.Keys(pinned, options, sourceContentDigest, commit);
        if (EffectiveBuild.From(pinned.Spec, options).InstallCargoAuditable)
        {
            kv["build.cargoAuditableVersion"] = CargoAuditableVersion(pinned, options);
        }

        return BuildHash.Render(FormatVersion, kv);
    }

    /// <summary>
    /// <c>sha256:HEX</c> of the TinyImage's own build inputs: v1's keys without the operator's defaults (builder, Kaniko
    /// and runtime images, the image user), plus <c>build.cargoAuditableVersion</c> when the spec sets it, and the resolved git commit.
    /// </summary>
    public static string Inputs(ValidTinyImage tinyImage, string? sourceContentDigest, string? commit = null)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        var kv = BuildHash.Keys(tinyImage, Neutral, sourceContentDigest, commit);
        kv.Remove("image.runtimeBase");
        kv.Remove("image.user");
        if (tinyImage.Spec.Build.CargoAuditableVersion is { } version)
        {
            kv["build.cargoAuditableVersion"] = version;
        }

        var text = BuildHash.Render(InputsVersion, kv);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The cargo-auditable version the builder stage installs: the spec's, else the operator's pinned default.</summary>
    public static string CargoAuditableVersion(ValidTinyImage tinyImage, OperatorOptions options) =>
        tinyImage.Spec.Build.CargoAuditableVersion ?? options.CargoAuditableVersion;
}

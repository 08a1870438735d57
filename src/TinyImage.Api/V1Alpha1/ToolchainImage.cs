using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>One image of the build toolchain and the digest the build used.</summary>
public sealed class ToolchainImage
{
    public const string RoleBuilder = "builder";
    public const string RoleKaniko = "kaniko";

    /// <summary>builder (the Containerfile's build stage) or kaniko (the executor).</summary>
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    /// <summary>The image as the TinyImage or the operator names it (a tag, or already pinned by digest).</summary>
    [JsonPropertyName("image")]
    public string? Image { get; set; }

    /// <summary>The digest the build used: resolved from the tag at build time, or the one the image is pinned to.</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; set; }
}

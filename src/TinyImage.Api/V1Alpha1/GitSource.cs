using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>A git repository.</summary>
[CelRule("!has(self.subPath) || !self.subPath.split('/').exists(s, s == '..' || s == '.')", "subPath must not contain '.' or '..' segments")]
public sealed class GitSource
{
    /// <summary>The repository's HTTPS URL, without credentials (use credentialsSecret).</summary>
    [JsonPropertyName("url")]
    [Required]
    [Pattern(Patterns.GitUrl)]
    [MaxLength(2048)]
    public string Url { get; set; } = "";

    /// <summary>The branch, tag or commit to build. Defaults to the remote's default branch.</summary>
    [JsonPropertyName("ref")]
    public GitRef? Ref { get; set; }

    /// <summary>The folder of the Cargo project inside the repository.</summary>
    [JsonPropertyName("subPath")]
    [Pattern(Patterns.SubPath)]
    [MaxLength(512)]
    public string? SubPath { get; set; }

    /// <summary>A Secret in the same namespace with keys `username` and `password` (or a token as password) for a private repository. Only the build pod sees it.</summary>
    [JsonPropertyName("credentialsSecret")]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string? CredentialsSecret { get; set; }
}

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

    /// <summary>How often, in seconds, the operator resolves a branch or tag to its commit (git's smart-HTTP protocol) and rebuilds when it moved; a random jitter of up to a tenth is added. `0` turns polling off (a webhook, or a spec change, still resolves). Values between 1 and 29 are taken as 30. A pinned ref.commit is never polled.</summary>
    [JsonPropertyName("pollIntervalSeconds")]
    [Range(0, 86400)]
    [Default("300")]
    public int PollIntervalSeconds { get; set; } = DefaultPollIntervalSeconds;

    /// <summary>A Secret in the same namespace whose key `token` authenticates push webhooks for this repository: GitHub's webhook secret (checked as the X-Hub-Signature-256 HMAC) or GitLab's secret token (X-Gitlab-Token). Without it, webhooks never trigger this TinyImage.</summary>
    [JsonPropertyName("webhookSecret")]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string? WebhookSecret { get; set; }

    /// <summary>The poll interval when the field is not set.</summary>
    public const int DefaultPollIntervalSeconds = 300;
}

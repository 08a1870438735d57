using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>
/// Secrets the build step needs: private cargo registries and git dependencies. Each Secret is mounted read-only into the
/// Kaniko container only, under `/kaniko/build-secrets/` (Kaniko never snapshots `/kaniko` or a mount point), so it is in
/// no image layer and no cache layer. The workload never sees them. The source itself stays HTTPS (`source.git`).
/// </summary>
public sealed class BuildSecretsSpec
{
    /// <summary>Tokens of private cargo registries.</summary>
    [JsonPropertyName("cargoRegistries")]
    [MaxLength(16)]
    public IList<CargoRegistryToken>? CargoRegistries { get; set; }

    /// <summary>
    /// A Secret whose key `.git-credentials` is a git-credential-store file (`https://USER:TOKEN@HOST`, one line per host)
    /// for git dependencies over HTTPS. Cargo fetches with the git CLI (`CARGO_NET_GIT_FETCH_WITH_CLI`), the credential
    /// helper `store --file=...` reads the file; on an Alpine builder `git` is installed for it.
    /// </summary>
    [JsonPropertyName("gitHttpsSecret")]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string? GitHttpsSecret { get; set; }

    /// <summary>
    /// A `kubernetes.io/ssh-auth` Secret for git dependencies over SSH: `ssh-privatekey` and `known_hosts` (required: host
    /// keys are checked strictly). Cargo fetches with the git CLI and `GIT_SSH_COMMAND` names both files; on an Alpine
    /// builder `git` and `openssh-client` are installed for it.
    /// </summary>
    [JsonPropertyName("gitSshSecret")]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string? GitSshSecret { get; set; }
}

using k8s.Models;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Building;

/// <summary>
/// Where the build Secrets (<c>spec.build.secrets</c>) appear in the Kaniko container, and the Containerfile ENV lines that
/// point cargo and git at them. One place, so the Job's mounts and the Containerfile's paths never disagree.
/// </summary>
/// <remarks>
/// The Secrets are mounted read-only under <see cref="Root"/>, inside <c>/kaniko</c>: Kaniko never snapshots <c>/kaniko</c>
/// nor any mount point (it adds every line of <c>/proc/self/mountinfo</c> to its ignore list, <c>DetectFilesystemIgnoreList</c>
/// in kaniko's <c>pkg/util/fs_util.go</c>), and the Job passes <c>--ignore-path</c> for the directory as well. RUN steps
/// execute in Kaniko's own root, so they read the files at these paths; the files are in no layer, so neither in the
/// pushed image nor in the cache repository. The ENV lines carry paths, never a secret value.
/// </remarks>
internal static class BuildSecretMounts
{
    public const string Root = "/kaniko/build-secrets";
    public const string GitHttpsDirectory = Root + "/git-https";
    public const string GitSshDirectory = Root + "/git-ssh";
    public const string GitCredentialsKey = ".git-credentials";
    public const string SshPrivateKeyKey = "ssh-privatekey";
    public const string KnownHostsKey = "known_hosts";

    /// <summary>The file holding a cargo registry's token.</summary>
    public static string CargoTokenFile(string registry) => Root + "/cargo-" + SpecValidator.CargoRegistryEnvName(registry).ToLowerInvariant().Replace('_', '-') + "/token";

    /// <summary>True when the spec names any build Secret.</summary>
    public static bool Any(BuildSpec build) =>
        build.Secrets is { } s && (s.CargoRegistries is { Count: > 0 } || s.GitHttpsSecret is not null || s.GitSshSecret is not null);

    /// <summary>The ENV lines (without the <c>ENV </c> keyword) the build stage needs for the Secrets, in a fixed order.</summary>
    public static IReadOnlyList<string> EnvLines(BuildSpec build)
    {
        var lines = new List<string>();
        if (build.Secrets is not { } secrets)
        {
            return lines;
        }

        foreach (var r in (secrets.CargoRegistries ?? []).OrderBy(r => SpecValidator.CargoRegistryEnvName(r.Registry), StringComparer.Ordinal))
        {
            lines.Add("CARGO_REGISTRIES_" + SpecValidator.CargoRegistryEnvName(r.Registry) + "_CREDENTIAL_PROVIDER=\"cargo:token-from-stdout cat " + CargoTokenFile(r.Registry) + "\"");
        }

        if (secrets.GitHttpsSecret is not null || secrets.GitSshSecret is not null)
        {
            lines.Add("CARGO_NET_GIT_FETCH_WITH_CLI=true");
        }

        if (secrets.GitHttpsSecret is not null)
        {
            lines.Add("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=credential.helper GIT_CONFIG_VALUE_0=\"store --file=" + GitHttpsDirectory + "/" + GitCredentialsKey + "\"");
        }

        if (secrets.GitSshSecret is not null)
        {
            lines.Add("GIT_SSH_COMMAND=\"ssh -i " + GitSshDirectory + "/" + SshPrivateKeyKey + " -o IdentitiesOnly=yes -o UserKnownHostsFile="
                + GitSshDirectory + "/" + KnownHostsKey + " -o StrictHostKeyChecking=yes\"");
        }

        return lines;
    }

    /// <summary>The Secret volumes and their read-only mounts in the Kaniko container, in a fixed order.</summary>
    public static IReadOnlyList<(V1Volume Volume, V1VolumeMount Mount)> Volumes(BuildSpec build)
    {
        var result = new List<(V1Volume, V1VolumeMount)>();
        if (build.Secrets is not { } secrets)
        {
            return result;
        }

        var registries = (secrets.CargoRegistries ?? []).OrderBy(r => SpecValidator.CargoRegistryEnvName(r.Registry), StringComparer.Ordinal).ToList();
        for (var i = 0; i < registries.Count; i++)
        {
            var file = CargoTokenFile(registries[i].Registry);
            result.Add(Mount("build-secret-cargo-" + i, registries[i].SecretName, file[..file.LastIndexOf('/')],
                [new V1KeyToPath { Key = registries[i].Key, Path = "token" }]));
        }

        if (secrets.GitHttpsSecret is { } https)
        {
            result.Add(Mount("build-secret-git-https", https, GitHttpsDirectory, [new V1KeyToPath { Key = GitCredentialsKey, Path = GitCredentialsKey }]));
        }

        if (secrets.GitSshSecret is { } ssh)
        {
            result.Add(Mount("build-secret-git-ssh", ssh, GitSshDirectory,
            [
                new V1KeyToPath { Key = SshPrivateKeyKey, Path = SshPrivateKeyKey },
                new V1KeyToPath { Key = KnownHostsKey, Path = KnownHostsKey },
            ]));
        }

        return result;
    }

    private static (V1Volume, V1VolumeMount) Mount(string volume, string secret, string path, List<V1KeyToPath> items) =>
    (
        // 0400: ssh refuses a private key others can read; Kaniko (uid 0) reads every file.
        new V1Volume { Name = volume, Secret = new V1SecretVolumeSource { SecretName = secret, Items = items, DefaultMode = Convert.ToInt32("400", 8) } },
        new V1VolumeMount { Name = volume, MountPath = path, ReadOnlyProperty = true }
    );
}

using System.Globalization;
using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Api;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Building;

/// <summary>
/// The build's child: the Kaniko Job that builds and pushes the image and writes its digest to
/// <c>/dev/termination-log</c>. Pure functions of (TinyImage, hash, options).
/// </summary>
/// <remarks>
/// <para><b>Kaniko runs as root inside its container</b>: it unpacks base images and runs the build's RUN steps in its
/// own root filesystem, which needs uid 0 (that is how Kaniko works; it needs no privileged mode). Every capability is
/// dropped and only <see cref="KanikoCapabilities"/> added back. What else confines it: no service account token, no
/// service links, privilege escalation off, the RuntimeDefault seccomp profile, default requests and limits, the
/// admin's RuntimeClass (e.g. gVisor) when set, the NetworkPolicy <c>NAME-build</c> (BuildNetworkPolicyBuilder),
/// credentials only from the Secrets the spec names, mounted only into the Kaniko container (push: docker config at
/// <c>/kaniko/.docker/config.json</c>; git: <c>GIT_USERNAME</c>/<c>GIT_PASSWORD</c>; build secrets: files under
/// <c>/kaniko/build-secrets</c>, see <see cref="BuildSecretMounts"/>), a deadline and a TTL. The init
/// container that copies a ConfigMap source runs as the non-root user with a read-only root filesystem and no
/// capabilities.</para>
/// <para><b>The Containerfile travels in the Job</b> (issue 17: one create fewer per build): the pod template's
/// annotation <see cref="ContainerfileAnnotation"/> holds it, and a downwardAPI volume projects that annotation into the
/// file Kaniko reads (<c>--dockerfile</c>). The pod template is immutable, so nobody can change the Containerfile between
/// the operator's write and the build; the API server caps a template's annotations at 256 KiB in total, and the
/// operator refuses a Containerfile over <see cref="MaxContainerfileBytes"/> (<see cref="ContainerfileTooLargeException"/>).
/// Builds started by the previous release mounted a ConfigMap <c>NAME-build-HASH</c> instead; HistoryReconciler
/// deletes those once no running Job mounts them.</para>
/// <para>Kaniko flags: <c>--reproducible</c> (no timestamps: the same inputs give the same digest), and
/// <c>--snapshot-mode=redo</c> (detects changes by mtime and size instead of hashing every file: much faster for a
/// Rust toolchain image, and safe for our builds, which never touch a file without changing its mtime).
/// <c>--single-snapshot</c> is not used: it would disable the per-instruction layer cache.</para>
/// </remarks>
internal static class KanikoJobBuilder
{
    /// <summary>The file name of the Containerfile in its volume (the downwardAPI item's path).</summary>
    public const string ContainerfileKey = "Containerfile";

    /// <summary>The pod-template annotation holding the generated Containerfile.</summary>
    public const string ContainerfileAnnotation = "tinyimage.dev/containerfile";

    /// <summary>
    /// The largest Containerfile the operator writes into <see cref="ContainerfileAnnotation"/>, in UTF-8 bytes: a quarter
    /// of the API server's 256 KiB limit on all of an object's annotations (apimachinery
    /// <c>TotalAnnotationSizeLimitB</c>), and about twice the largest a valid spec generates (32,129 bytes, pinned by ContainerfileSizeTests).
    /// </summary>
    public const int MaxContainerfileBytes = 64 * 1024;
    public const string ContainerfileMountPath = "/kaniko/containerfile";
    public const string DockerConfigMountPath = "/kaniko/.docker";
    public const string WorkspacePath = "/workspace";
    public const string SourceMountPath = "/source";
    public const string TerminationLogPath = "/dev/termination-log";
    public const string KanikoContainerName = "kaniko";
    public const string SourceInitContainerName = "source";

    /// <summary>The prefix of the Kaniko container's variables carrying <c>spec.build.env</c>.</summary>
    public const string BuildEnvPrefix = "TINYIMAGE_BUILD_ENV_";

    /// <summary>
    /// The capabilities Kaniko keeps after dropping ALL: the set the Shipwright project's Kaniko build strategy runs
    /// with in production. Kaniko's own issues name what fails without each: CHOWN, DAC_OVERRIDE and FOWNER to unpack a
    /// base image's files with their owners and modes (GoogleContainerTools/kaniko#1171, #778; shipwright-io/build#93),
    /// SETUID and SETGID for a build step that switches user (shipwright-io/build#118), SETFCAP to unpack files that carry
    /// file capabilities (shipwright-io/build#415, kaniko#2201), KILL to stop a RUN step's leftover processes of another
    /// user (shipwright-io/build#654). All are in the container runtime's default set, so the pod still meets the
    /// baseline Pod Security Standard. Proven on a real Kaniko only by the K3s suite.
    /// </summary>
    public static IReadOnlyList<string> KanikoCapabilities { get; } = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID", "SETFCAP", "KILL"];

    private const string ContainerfileVolume = "containerfile";
    private const string WorkspaceVolume = "workspace";
    private const string SourceVolume = "source";
    private const string DockerConfigVolume = "docker-config";

    /// <summary>
    /// <paramref name="containerfile"/> when its UTF-8 size is at most <paramref name="limit"/> bytes; otherwise throws
    /// <see cref="ContainerfileTooLargeException"/>.
    /// </summary>
    public static string EnsureFits(string containerfile, int limit = MaxContainerfileBytes)
    {
        ArgumentNullException.ThrowIfNull(containerfile);
        var bytes = System.Text.Encoding.UTF8.GetByteCount(containerfile);
        return bytes <= limit ? containerfile : throw new ContainerfileTooLargeException(bytes, limit);
    }

    /// <summary>The image reference Kaniko pushes to: <c>REPOSITORY:TAG</c>, the tag defaulting to <c>build-HASH</c>.</summary>
    public static string Destination(ValidTinyImage tinyImage, string hash) => Destination(tinyImage.Spec, hash);

    private static string Destination(TinyImageSpec spec, string hash) => spec.Output.Repository + ":" + (spec.Output.Tag ?? "build-" + hash);

    /// <summary>The Kaniko Job <c>NAME-build-HASH</c>.</summary>
    public static V1Job BuildJob(ValidTinyImage tinyImage, string hash, OperatorOptions o, string? commit = null, string? resolvedRef = null)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        ArgumentNullException.ThrowIfNull(o);
        var ti = tinyImage.Resource;
        if (!BuildHash.IsValid(hash))
        {
            throw new ArgumentException("not a build hash: must match " + BuildHash.Pattern, nameof(hash));
        }

        var spec = ti.Spec;
        var eb = EffectiveBuild.From(spec, o);
        var name = ChildMetadata.BuildName(ti.Metadata.Name, hash);
        var labels = ChildMetadata.Labels(ti, ChildMetadata.ComponentBuild, hash);

        var containerfile = EnsureFits(ContainerfileGenerator.Generate(tinyImage, hash, o));

        var volumes = new List<V1Volume>
        {
            new()
            {
                Name = ContainerfileVolume,
                DownwardAPI = new V1DownwardAPIVolumeSource
                {
                    Items =
                    [
                        new V1DownwardAPIVolumeFile
                        {
                            Path = ContainerfileKey,
                            FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.annotations['" + ContainerfileAnnotation + "']" },
                        },
                    ],
                },
            },
        };
        var mounts = new List<V1VolumeMount>
        {
            new() { Name = ContainerfileVolume, MountPath = ContainerfileMountPath, ReadOnlyProperty = true },
        };
        var env = new List<V1EnvVar>();
        List<V1Container>? initContainers = null;

        var args = new List<string> { "--dockerfile=" + ContainerfileMountPath + "/" + ContainerfileKey };
        if (spec.Source.Git is { } git)
        {
            args.Add("--context=" + GitContext(git, commit, resolvedRef));
            if (git.SubPath is not null)
            {
                args.Add("--context-sub-path=" + git.SubPath);
            }

            if (git.CredentialsSecret is { } credentials)
            {
                env.Add(SecretEnv("GIT_USERNAME", credentials, "username"));
                env.Add(SecretEnv("GIT_PASSWORD", credentials, "password"));
            }
        }
        else
        {
            var cm = spec.Source.ConfigMap!;
            args.Add("--context=dir://" + WorkspacePath);
            volumes.Add(new V1Volume
            {
                Name = SourceVolume,
                ConfigMap = new V1ConfigMapVolumeSource
                {
                    Name = cm.Name,
                    Items = cm.Items is null ? null : BuildHash.SortedItems(cm).Select(i => new V1KeyToPath { Key = i.Key, Path = i.Path }).ToList(),
                },
            });
            volumes.Add(new V1Volume { Name = WorkspaceVolume, EmptyDir = new V1EmptyDirVolumeSource() });
            mounts.Add(new V1VolumeMount { Name = WorkspaceVolume, MountPath = WorkspacePath });
            initContainers =
            [
                new V1Container
                {
                    Name = SourceInitContainerName,
                    Image = o.SourceInitImage ?? eb.BuilderImage,
                    Command = ["cp", "-RL", SourceMountPath + "/.", WorkspacePath + "/"],
                    VolumeMounts =
                    [
                        new V1VolumeMount { Name = SourceVolume, MountPath = SourceMountPath, ReadOnlyProperty = true },
                        new V1VolumeMount { Name = WorkspaceVolume, MountPath = WorkspacePath },
                    ],
                    SecurityContext = RestrictedContainerSecurity(o.RunAsUser),
                    TerminationMessagePolicy = "FallbackToLogsOnError",
                },
            ];
        }

        args.Add("--destination=" + Destination(spec, hash));
        args.Add("--digest-file=" + TerminationLogPath);
        args.Add("--reproducible");
        args.Add("--snapshot-mode=redo");
        if (eb.Cache)
        {
            args.Add("--cache=true");
            args.Add("--cache-repo=" + BuildHash.CacheRepository(tinyImage));
            args.Add("--cache-ttl=" + (spec.Build.Cache?.TtlHours ?? CacheSpec.DefaultTtlHours).ToString(CultureInfo.InvariantCulture) + "h");
        }

        // Build env: the Kaniko process sees only prefixed names (nothing of Kaniko's own environment can be overridden);
        // the kubelet expands $(PREFIXED) into the --build-arg, and the Containerfile declares ARG NAME without a value.
        foreach (var arg in ContainerfileGenerator.BuildArgNames(spec.Build))
        {
            var value = spec.Build.Env!.Last(e => e.Name == arg).Value;
            env.Add(new V1EnvVar { Name = BuildEnvPrefix + arg, Value = value });
            args.Add("--build-arg=" + arg + "=$(" + BuildEnvPrefix + arg + ")");
        }

        foreach (var (volume, mount) in BuildSecretMounts.Volumes(spec.Build))
        {
            volumes.Add(volume);
            mounts.Add(mount);
        }

        if (BuildSecretMounts.Any(spec.Build))
        {
            args.Add("--ignore-path=" + BuildSecretMounts.Root);
        }

        if (spec.Output.Insecure)
        {
            args.Add("--insecure");
            args.Add("--skip-tls-verify");
        }

        if (spec.Output.PushSecret is { } pushSecret)
        {
            volumes.Add(new V1Volume
            {
                Name = DockerConfigVolume,
                Secret = new V1SecretVolumeSource
                {
                    SecretName = pushSecret,
                    Items = [new V1KeyToPath { Key = ".dockerconfigjson", Path = "config.json" }],
                },
            });
            mounts.Add(new V1VolumeMount { Name = DockerConfigVolume, MountPath = DockerConfigMountPath, ReadOnlyProperty = true });
        }

        var kaniko = new V1Container
        {
            Name = KanikoContainerName,
            Image = eb.KanikoImage,
            Args = args,
            Env = env.Count == 0 ? null : env,
            VolumeMounts = mounts,
            Resources = o.BuildResources.For(spec.Build.Resources),
            TerminationMessagePath = TerminationLogPath,
            TerminationMessagePolicy = "File",
            SecurityContext = new V1SecurityContext
            {
                // Kaniko needs uid 0 inside its container (see remarks).
                RunAsUser = 0,
                RunAsGroup = 0,
                RunAsNonRoot = false,
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"], Add = [.. KanikoCapabilities] },
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
        };

        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = ChildMetadata.Metadata(ti, name, labels),
            Spec = new V1JobSpec
            {
                BackoffLimit = o.BuildBackoffLimit,
                ActiveDeadlineSeconds = spec.Build.TimeoutSeconds,
                TtlSecondsAfterFinished = o.BuildJobTtlSeconds,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
                        Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [ContainerfileAnnotation] = containerfile },
                    },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        AutomountServiceAccountToken = false,
                        RuntimeClassName = o.BuildRuntimeClassName,
                        EnableServiceLinks = false,
                        SecurityContext = new V1PodSecurityContext { SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
                        InitContainers = initContainers,
                        NodeSelector = spec.Build.NodeSelector is { Count: > 0 } selector ? new Dictionary<string, string>(selector, StringComparer.Ordinal) : null,
                        Tolerations = spec.Build.Tolerations is { Count: > 0 } tolerations ? tolerations.Select(ToToleration).ToList() : null,
                        ServiceAccountName = spec.Build.ServiceAccountName,
                        Containers = [kaniko],
                        Volumes = volumes,
                    },
                },
            },
        };
    }

    /// <summary>
    /// Kaniko's git context: <c>git://HOST/PATH</c> (Kaniko clones over HTTPS), with <c>#refs/heads/BRANCH</c>,
    /// <c>#refs/tags/TAG</c> or <c>#COMMIT</c>; without a ref, the remote's default branch. With the
    /// <paramref name="commit"/> the operator resolved, the ref is pinned to it, Kaniko's
    /// <c>git://REPO#REF#COMMIT</c> (the default branch as the <paramref name="resolvedRef"/> HEAD pointed at), so the
    /// build checks out exactly the commit its hash names.
    /// </summary>
    public static string GitContext(GitSource git, string? commit = null, string? resolvedRef = null)
    {
        ArgumentNullException.ThrowIfNull(git);
        var context = "git://" + git.Url["https://".Length..];
        var reference = git.Ref switch
        {
            { Branch: { } branch } => "refs/heads/" + branch,
            { Tag: { } tag } => "refs/tags/" + tag,
            { Commit: { } pinned } => pinned,
            _ => resolvedRef,
        };
        if (git.Ref?.Commit is not null || commit is null)
        {
            return reference is null ? context : context + "#" + reference;
        }

        return context + "#" + (reference ?? "HEAD") + "#" + commit;
    }

    /// <summary>The restricted Pod Security Standard for a container running as <paramref name="user"/>.</summary>
    public static V1SecurityContext RestrictedContainerSecurity(long user) => new()
    {
        RunAsNonRoot = true,
        RunAsUser = user,
        RunAsGroup = user,
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    private static V1Toleration ToToleration(TolerationSpec t) => new()
    {
        Key = t.Key,
        OperatorProperty = t.Operator,
        Value = t.Value,
        Effect = t.Effect,
        TolerationSeconds = t.TolerationSeconds,
    };

    private static V1EnvVar SecretEnv(string name, string secret, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } },
    };
}

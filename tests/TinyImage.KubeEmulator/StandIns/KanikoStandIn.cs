using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Plays the Kaniko executor for a build Job, for real where it can: reads the Job's container args like Kaniko, reads
/// the Containerfile from the downwardAPI (or, as the previous release did, ConfigMap) volume the Job mounts, assembles the final stage around the prebuilt binary
/// (written directly as a one-layer image, see <see cref="OciImageWriter"/>), pushes it with <c>skopeo</c> and the push
/// credentials from the Secret the Job mounts at the Docker config path, and reports the digest as Kaniko's
/// <c>--digest-file=/dev/termination-log</c> would. Anything it cannot honour fails the build with the reason; it is
/// never more forgiving than Kaniko.
/// </summary>
public sealed class KanikoStandIn
{
    /// <summary>Reads one object from the cluster: (apiVersion, plural, namespace, name) to the object or null.</summary>
    private readonly Func<string, string, string, string, JsonObject?> _get;
    private readonly KanikoStandInOptions _options;
    private int _sequence;

    /// <summary>Creates the stand-in.</summary>
    /// <param name="get">Reads a ConfigMap or Secret: (apiVersion, plural, namespace, name) to the object, or null when absent.</param>
    /// <param name="options">Registry, certificates, binaries, work directory.</param>
    public KanikoStandIn(Func<string, string, string, string, JsonObject?> get, KanikoStandInOptions options)
    {
        _get = get;
        _options = options;
    }

    /// <summary>Kaniko's layer cache as this stand-in models it (see <see cref="KanikoLayerCache"/>).</summary>
    public KanikoLayerCache Cache { get; } = new();

    /// <summary>Every image built and pushed, in order.</summary>
    public ConcurrentQueue<KanikoBuildRecord> Builds { get; } = new();

    /// <summary>Every build that failed, as <c>namespace/job: reason</c>.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Runs the build of <paramref name="job"/> (a batch/v1 Job as JSON). Expected failures are results.</summary>
    public async Task<StandInResult<KanikoBuildRecord>> BuildAsync(JsonObject job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var ns = (string?)job["metadata"]?["namespace"] ?? "default";
        var name = (string?)job["metadata"]?["name"] ?? "";
        var result = await BuildCoreAsync(job, ns, name, cancellationToken);
        if (result.IsSuccess)
        {
            Builds.Enqueue(result.Value!);
        }
        else
        {
            Failures.Enqueue(ns + "/" + name + ": " + result.Error);
        }

        return result;
    }

    /// <summary>What Kaniko would log for a successful build.</summary>
    public static string SuccessLog(KanikoBuildRecord build)
    {
        ArgumentNullException.ThrowIfNull(build);
        var sb = new StringBuilder();
        sb.Append("INFO Retrieving image manifest scratch (kaniko stand-in: prebuilt ").Append(Path.GetFileName(build.BinaryFile)).Append(")\n");
        foreach (var d in build.Destinations)
        {
            var tag = d.LastIndexOf(':');
            var repository = tag > d.LastIndexOf('/') ? d[..tag] : d;
            sb.Append("INFO Pushed ").Append(repository).Append('@').Append(build.Digest).Append('\n');
        }

        return sb.ToString();
    }

    private async Task<StandInResult<KanikoBuildRecord>> BuildCoreAsync(JsonObject job, string ns, string name, CancellationToken cancellationToken)
    {
        var podSpec = job["spec"]?["template"]?["spec"] as JsonObject;
        var containers = (podSpec?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (podSpec is null || containers.Count != 1)
        {
            return Fail($"expected one Kaniko container in the Job's pod template, found {containers.Count}");
        }

        var container = containers[0];
        if (container["command"] is JsonArray command && !(command.Count == 1 && (string?)command[0] == "/kaniko/executor"))
        {
            return Fail("the container's command is not /kaniko/executor: " + command.ToJsonString());
        }

        // The kubelet expands $(VAR) in args from the container's env; value-less --build-arg reads the same env.
        var literalEnv = (container["env"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(e => e["name"] is not null && e["value"] is not null)
            .GroupBy(e => (string)e["name"]!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (string)g.Last()["value"]!, StringComparer.Ordinal);
        var args = KanikoArguments.Parse(
            [.. (container["args"] as JsonArray ?? []).Select(a => PodEnvironment.Expand((string?)a ?? "", literalEnv))],
            name => literalEnv.TryGetValue(name, out var v) ? v : null);
        if (!args.IsSuccess)
        {
            return Fail(args.Error!);
        }

        var kaniko = args.Value!;
        var containerfile = ReadContainerfile(ns, job["spec"]!["template"] as JsonObject ?? [], podSpec, container, kaniko);
        if (!containerfile.IsSuccess)
        {
            return Fail(containerfile.Error!);
        }

        var stage = ContainerfileParser.ParseFinalStage(containerfile.Value!);
        if (!stage.IsSuccess)
        {
            return Fail(stage.Error!);
        }

        foreach (var destination in kaniko.Destinations)
        {
            var host = destination.Split('/')[0];
            if (host != _options.RegistryHost || !destination.Contains('/', StringComparison.Ordinal))
            {
                return Fail($"--destination={destination}: not on the registry the stand-in can reach ({_options.RegistryHost})");
            }
        }

        var tinyImage = (string?)job["metadata"]?["labels"]?["tinyimage.dev/name"];
        var binaryPath = _options.Binaries.Resolve(tinyImage, stage.Value!);
        if (!binaryPath.IsSuccess)
        {
            return Fail(binaryPath.Error!);
        }

        var authFile = await WriteDockerConfigAsync(ns, podSpec, container, name, cancellationToken);
        if (!authFile.IsSuccess)
        {
            return Fail(authFile.Error!);
        }

        var secrets = MountedSecrets(ns, podSpec, container);
        if (!secrets.IsSuccess)
        {
            return Fail(secrets.Error!);
        }

        var (cacheSteps, cacheImages) = (Array.Empty<KanikoCacheStep>() as IReadOnlyList<KanikoCacheStep>, new List<string>());
        if (kaniko.Cache)
        {
            var stages = ContainerfileParser.ParseStages(containerfile.Value!).Value!;
            var repository = kaniko.CacheRepository ?? RepositoryOf(kaniko.Destinations[0]) + "/cache";
            if (repository.Split('/')[0] != _options.RegistryHost)
            {
                return Fail($"--cache-repo={repository}: not on the registry the stand-in can reach ({_options.RegistryHost})");
            }

            cacheSteps = Cache.Evaluate(stages, ReadContext(ns, podSpec, kaniko), kaniko.BuildArgs, repository, kaniko.CacheTtl, _options.TimeProvider.GetUtcNow());
            foreach (var step in cacheSteps.Where(c => !c.Hit && c.Key is not null))
            {
                // The layer a RUN step leaves: the stand-in cannot run cargo, so it writes what the step saw of its
                // environment (ENV and build arguments), which a real step can write into its outputs. Files under
                // mount points and ignore paths (/kaniko, --ignore-path) are never snapshotted, so never here.
                var env = CacheStepEnvironment(stages, step, kaniko.BuildArgs);
                var cacheImage = OciImageWriter.CacheLayer(
                    new Dictionary<string, byte[]>(StringComparer.Ordinal) { [".kaniko-standin/run-" + step.Line.ToString(CultureInfo.InvariantCulture) + ".env"] = Encoding.UTF8.GetBytes(env) },
                    "RUN " + step.Command);
                var cacheLayout = Path.Combine(_options.WorkDirectory, name + "-cache-" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture));
                cacheImage.WriteDirLayout(cacheLayout);
                var reference = repository + ":" + step.Key;
                var cachePush = await Skopeo.PushAsync(cacheLayout, reference, authFile.Value, _options.CertDirectory,
                    tlsVerify: !(kaniko.Insecure || kaniko.SkipTlsVerify), cancellationToken);
                if (!cachePush.IsSuccess)
                {
                    return Fail("push of the cache layer " + reference + " failed: " + cachePush.Error);
                }

                cacheImages.Add(reference);
            }
        }

        var copyInstruction = ContainerfileParser.LogicalLines(containerfile.Value!).Last(i => i.Keyword == "COPY");
        var binary = await File.ReadAllBytesAsync(binaryPath.Value!, cancellationToken);
        var mode = OperatingSystem.IsWindows() ? Convert.ToInt32("755", 8) : (int)File.GetUnixFileMode(binaryPath.Value!) & Convert.ToInt32("7777", 8);
        var image = OciImageWriter.Build(stage.Value!, binary, mode, kaniko.Labels, _options.TimeProvider.GetUtcNow(), kaniko.Reproducible,
            "COPY " + copyInstruction.Arguments);
        var layout = Path.Combine(_options.WorkDirectory, name + "-" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture));
        image.WriteDirLayout(layout);
        foreach (var destination in kaniko.Destinations)
        {
            var pushed = await Skopeo.PushAsync(layout, destination, authFile.Value, _options.CertDirectory,
                tlsVerify: !(kaniko.Insecure || kaniko.SkipTlsVerify), cancellationToken);
            if (!pushed.IsSuccess)
            {
                return Fail("push to " + destination + " failed: " + pushed.Error);
            }

            if (pushed.Value != image.Digest)
            {
                return Fail($"the registry reports digest {pushed.Value} for {destination}, the stand-in built {image.Digest}");
            }
        }

        return StandInResult<KanikoBuildRecord>.Ok(new KanikoBuildRecord(ns, name, tinyImage, kaniko.Destinations, image.Digest, binaryPath.Value!,
            image.LayerBytes, image.Config.LongLength, image.Manifest.LongLength)
        {
            CacheSteps = cacheSteps,
            CacheImages = cacheImages,
            MountedSecrets = secrets.Value!,
        });

        static StandInResult<KanikoBuildRecord> Fail(string message) => StandInResult<KanikoBuildRecord>.Fail(message);
    }

    private static string RepositoryOf(string destination)
    {
        var tag = destination.LastIndexOf(':');
        return tag > destination.LastIndexOf('/') ? destination[..tag] : destination;
    }

    /// <summary>ENV and ARG values in effect at a RUN step of its stage (earlier stages it builds on included).</summary>
    private static string CacheStepEnvironment(IReadOnlyList<BuildStage> stages, KanikoCacheStep step, IReadOnlyDictionary<string, string> buildArgs)
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var chain = new List<BuildStage>();
        for (var stage = stages.FirstOrDefault(s => (s.Name ?? "") == step.Stage); stage is not null; stage = stages.FirstOrDefault(s => s.Name == stage.Base.ToLowerInvariant() && s != stage))
        {
            chain.Insert(0, stage);
        }

        foreach (var ins in chain.SelectMany(s => s.Instructions).TakeWhile(i => i.Line < step.Line))
        {
            if (ins.Keyword == "ENV")
            {
                foreach (var w in ContainerfileParser.Words(ins.Arguments).Where(w => w.Contains('=', StringComparison.Ordinal)))
                {
                    env[w[..w.IndexOf('=', StringComparison.Ordinal)]] = w[(w.IndexOf('=', StringComparison.Ordinal) + 1)..];
                }
            }
            else if (ins.Keyword == "ARG")
            {
                var arg = ins.Arguments.Split('=')[0].Trim();
                env[arg] = buildArgs.TryGetValue(arg, out var v) ? v : "";
            }
        }

        return string.Concat(env.Select(e => e.Key + "=" + e.Value + "\n"));
    }

    /// <summary>
    /// Every Secret volume mounted into the Kaniko container but the Docker config: each must exist with the keys its
    /// items name, or the kubelet could not start the pod. Mount path to Secret name.
    /// </summary>
    private StandInResult<IReadOnlyDictionary<string, string>> MountedSecrets(string ns, JsonObject podSpec, JsonObject container)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var volumes = (podSpec["volumes"] as JsonArray ?? []).OfType<JsonObject>().ToDictionary(v => (string?)v["name"] ?? "", StringComparer.Ordinal);
        foreach (var m in (container["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var path = (string?)m["mountPath"] ?? "";
            if (!volumes.TryGetValue((string?)m["name"] ?? "", out var volume) || volume["secret"] is not JsonObject secret || path == "/kaniko/.docker")
            {
                continue;
            }

            var secretName = (string?)secret["secretName"] ?? "";
            var obj = _get("v1", "secrets", ns, secretName);
            if (obj is null)
            {
                return StandInResult<IReadOnlyDictionary<string, string>>.Fail($"Secret {ns}/{secretName} (mounted at {path}) does not exist: the pod could not start");
            }

            foreach (var key in (secret["items"] as JsonArray ?? []).OfType<JsonObject>().Select(i => (string?)i["key"] ?? ""))
            {
                if (obj["data"]?[key] is null && obj["stringData"]?[key] is null)
                {
                    return StandInResult<IReadOnlyDictionary<string, string>>.Fail($"Secret {ns}/{secretName} has no key {key} (mounted under {path}): the pod could not start");
                }
            }

            result[path] = secretName;
        }

        return StandInResult<IReadOnlyDictionary<string, string>>.Ok(result);
    }

    /// <summary>
    /// The build context's files when the stand-in can read them: a <c>dir://</c> context filled by an init container
    /// from a ConfigMap volume (the operator's ConfigMap source). Null for anything else (a git context).
    /// </summary>
    private Dictionary<string, byte[]>? ReadContext(string ns, JsonObject podSpec, KanikoArguments kaniko)
    {
        if (kaniko.Context?.StartsWith("dir://", StringComparison.Ordinal) != true)
        {
            return null;
        }

        var volumes = (podSpec["volumes"] as JsonArray ?? []).OfType<JsonObject>().ToDictionary(v => (string?)v["name"] ?? "", StringComparer.Ordinal);
        foreach (var init in (podSpec["initContainers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var m in (init["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (!volumes.TryGetValue((string?)m["name"] ?? "", out var volume) || volume["configMap"] is not JsonObject source)
                {
                    continue;
                }

                var cm = _get("v1", "configmaps", ns, (string?)source["name"] ?? "");
                if (cm is null)
                {
                    return null;
                }

                var data = PodEnvironment.Data(cm, "configmaps");
                var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                if (source["items"] is JsonArray items)
                {
                    foreach (var item in items.OfType<JsonObject>())
                    {
                        if (data.TryGetValue((string?)item["key"] ?? "", out var text))
                        {
                            files[(string?)item["path"] ?? ""] = Encoding.UTF8.GetBytes(text);
                        }
                    }
                }
                else
                {
                    foreach (var (key, text) in data)
                    {
                        files[key] = Encoding.UTF8.GetBytes(text);
                    }
                }

                return files;
            }
        }

        return null;
    }

    /// <summary>
    /// The Containerfile Kaniko reads (<c>--dockerfile</c>): a ConfigMap key, or a downwardAPI file the kubelet writes
    /// from the pod's metadata (the pod template's annotations are the pod's).
    /// </summary>
    private StandInResult<string> ReadContainerfile(string ns, JsonObject template, JsonObject podSpec, JsonObject container, KanikoArguments kaniko)
    {
        var path = kaniko.Dockerfile;
        if (!path.StartsWith('/'))
        {
            var context = kaniko.Context ?? "/workspace";
            context = context.StartsWith("dir://", StringComparison.Ordinal) ? context["dir://".Length..] : context;
            if (!context.StartsWith('/'))
            {
                return StandInResult<string>.Fail($"--dockerfile={path} is relative to a --context={kaniko.Context} the stand-in cannot read; mount the Containerfile from a ConfigMap or a downwardAPI volume");
            }

            path = context.TrimEnd('/') + "/" + path;
        }

        var mounted = MountedFile.Resolve(podSpec, container, path);
        if (!mounted.IsSuccess)
        {
            return StandInResult<string>.Fail(mounted.Error!);
        }

        if (mounted.Value is { Kind: "downwardAPI" } field)
        {
            var pod = new JsonObject { ["metadata"] = (template["metadata"] as JsonObject ?? []).DeepClone(), ["spec"] = podSpec.DeepClone() };
            ((JsonObject)pod["metadata"]!)["namespace"] = ns;
            var value = PodEnvironment.FieldRef(pod, field.Key);
            if (!value.IsSuccess)
            {
                return StandInResult<string>.Fail($"--dockerfile={path}: {value.Error}");
            }

            // The kubelet writes an absent annotation as an empty file; Kaniko then fails on an empty Dockerfile.
            return value.Value!.Length == 0
                ? StandInResult<string>.Fail($"--dockerfile={path}: the downwardAPI file for {field.Key} is empty (kaniko: no instructions)")
                : StandInResult<string>.Ok(value.Value);
        }

        if (mounted.Value is not { Kind: "configMap" } file)
        {
            return StandInResult<string>.Fail($"--dockerfile={path}: no ConfigMap or downwardAPI volume of the pod holds that file (kaniko: no such file)");
        }

        var cm = _get("v1", "configmaps", ns, file.ObjectName);
        if (cm is null)
        {
            return StandInResult<string>.Fail($"ConfigMap {ns}/{file.ObjectName} (mounted for {path}) does not exist: the pod could not start");
        }

        return (string?)cm["data"]?[file.Key] is { } text
            ? StandInResult<string>.Ok(text)
            : StandInResult<string>.Fail($"ConfigMap {ns}/{file.ObjectName} has no key {file.Key} (mounted as {path}): kaniko: no such file");
    }

    /// <summary>The mounted Docker config, written to a file skopeo reads; null when none is mounted (anonymous push).</summary>
    private async Task<StandInResult<string?>> WriteDockerConfigAsync(string ns, JsonObject podSpec, JsonObject container, string jobName, CancellationToken cancellationToken)
    {
        var dockerConfigDir = (container["env"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(e => (string?)e["name"] == "DOCKER_CONFIG").Select(e => (string?)e["value"]).FirstOrDefault() ?? "/kaniko/.docker";
        var path = dockerConfigDir.TrimEnd('/') + "/config.json";
        var mounted = MountedFile.Resolve(podSpec, container, path);
        if (!mounted.IsSuccess)
        {
            return StandInResult<string?>.Fail(mounted.Error!);
        }

        if (mounted.Value is null)
        {
            return StandInResult<string?>.Ok(null);
        }

        var file = mounted.Value;
        var obj = _get("v1", file.Kind == "secret" ? "secrets" : "configmaps", ns, file.ObjectName);
        if (obj is null)
        {
            return file.Optional
                ? StandInResult<string?>.Ok(null)
                : StandInResult<string?>.Fail($"{(file.Kind == "secret" ? "Secret" : "ConfigMap")} {ns}/{file.ObjectName} (mounted for {path}) does not exist: the pod could not start");
        }

        string? content = file.Kind == "secret"
            ? (string?)obj["data"]?[file.Key] is { } b64 ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : (string?)obj["stringData"]?[file.Key]
            : (string?)obj["data"]?[file.Key];
        if (content is null)
        {
            return StandInResult<string?>.Fail($"{file.Kind} {ns}/{file.ObjectName} has no key {file.Key} (mounted as {path})");
        }

        var dir = Path.Combine(_options.WorkDirectory, jobName + "-docker");
        Directory.CreateDirectory(dir);
        var authFile = Path.Combine(dir, "config.json");
        await File.WriteAllTextAsync(authFile, content, cancellationToken);
        return StandInResult<string?>.Ok(authFile);
    }
}

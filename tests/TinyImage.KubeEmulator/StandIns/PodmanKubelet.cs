using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Plays the Deployment controller and kubelet with real containers: it lists and watches Deployments over the
/// emulator's HTTP API like any controller, and when a Deployment's image changes it pulls exactly that reference
/// with <c>podman</c> (credentials from the pod's <c>imagePullSecrets</c>, the registry CA from the options), runs it
/// under the pod's security context (user, read-only root, no capabilities, no privilege escalation), and only when
/// the container answers HTTP on its port does it route the Deployment's <see cref="ServiceProxy"/> to it, mark the
/// Deployment available (observedGeneration, ready/available replicas, Available condition) and stop the previous
/// container: a rolling update with maxUnavailable 0. One container stands in for all replicas.
/// </summary>
public sealed class PodmanKubelet : IAsyncDisposable
{
    private readonly ApiServerEmulator _emulator;
    private readonly PodmanKubeletOptions _options;
    private readonly Podman _podman;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, DeploymentState> _states = new(StringComparer.Ordinal);
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private Task _watching = Task.CompletedTask;
    private int _sequence;
    private int _servicePorts;

    private PodmanKubelet(ApiServerEmulator emulator, PodmanKubeletOptions options)
    {
        _emulator = emulator;
        _options = options;
        _podman = new Podman(Path.Combine(options.WorkDirectory, "podman"));
    }

    /// <summary>Every container that became ready, in order.</summary>
    public ConcurrentQueue<KubeletRollout> Rollouts { get; } = new();

    /// <summary>Every rollout that failed (pull, run, or no HTTP answer), as <c>namespace/name image: reason</c>.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>What ran: the runtime path, for test output.</summary>
    public static string RuntimeDescription => "podman --runtime runc (vfs storage, CNI port mapping on 127.0.0.1)";

    /// <summary>Raised with each new Service address (namespace, name, URL), for the standalone emulator to print.</summary>
    public event Action<string, string, Uri>? ServiceStarted;

    /// <summary>Starts watching Deployments of <paramref name="emulator"/>.</summary>
    public static PodmanKubelet Start(ApiServerEmulator emulator, PodmanKubeletOptions options)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(options);
        var kubelet = new PodmanKubelet(emulator, options);
        kubelet._watching = Task.Run(() => kubelet.WatchAsync(kubelet._stop.Token));
        return kubelet;
    }

    /// <summary>The Service address of a Deployment (stable across rollouts), or null before its first container.</summary>
    public Uri? ServiceUrl(string ns, string name) => _states.TryGetValue(ns + "/" + name, out var s) ? s.Proxy?.Url : null;

    /// <summary>The image the Deployment's ready container runs, or null.</summary>
    public string? ServingImage(string ns, string name) => _states.TryGetValue(ns + "/" + name, out var s) ? s.Current?.Image : null;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _watching;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        foreach (var state in _states.Values)
        {
            if (state.Current is { } c)
            {
                await RemoveContainerAsync(c.Container);
            }

            if (state.Proxy is { } p)
            {
                await p.DisposeAsync();
            }
        }

        _podman.DeleteRunRoot();
        _probe.Dispose();
        _stop.Dispose();
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        using var http = _emulator.CreateHttpClient();
        while (!cancellationToken.IsCancellationRequested)
        {
            var list = JsonNode.Parse(await http.GetStringAsync(new Uri("apis/apps/v1/deployments", UriKind.Relative), cancellationToken))!.AsObject();
            var resourceVersion = (string?)list["metadata"]?["resourceVersion"] ?? "0";
            foreach (var d in list["items"]!.AsArray().OfType<JsonObject>())
            {
                await ReconcileAsync(d, cancellationToken);
            }

            using var response = await http.GetAsync(
                new Uri("apis/apps/v1/deployments?watch=true&allowWatchBookmarks=true&resourceVersion=" + resourceVersion, UriKind.Relative),
                HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                continue; // relist
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var e = JsonNode.Parse(line)!.AsObject();
                var type = (string?)e["type"];
                if (type == "ERROR")
                {
                    break; // 410 Expired and friends: relist
                }

                if (e["object"] is JsonObject obj && type is "ADDED" or "MODIFIED" or "DELETED")
                {
                    if (type == "DELETED")
                    {
                        obj["metadata"]!["deletionTimestamp"] ??= "deleted";
                    }

                    await ReconcileAsync(obj, cancellationToken);
                }
            }
        }
    }

    private async Task ReconcileAsync(JsonObject deployment, CancellationToken cancellationToken)
    {
        var ns = (string)deployment["metadata"]!["namespace"]!;
        var name = (string)deployment["metadata"]!["name"]!;
        var key = ns + "/" + name;
        var state = _states.GetOrAdd(key, _ => new DeploymentState());
        if (deployment["metadata"]?["deletionTimestamp"] is not null)
        {
            if (state.Current is { } running)
            {
                await RemoveContainerAsync(running.Container);
                state.Current = null;
            }

            state.Proxy?.Route(0);
            return;
        }

        var generation = (long?)deployment["metadata"]?["generation"] ?? 1;
        var observed = (long?)deployment["status"]?["observedGeneration"];
        var podSpec = deployment["spec"]?["template"]?["spec"] as JsonObject ?? [];
        var container = (podSpec["containers"] as JsonArray)?.FirstOrDefault() as JsonObject;
        var image = (string?)container?["image"];
        if (container is null || image is null)
        {
            return;
        }

        if (state.Current?.Image == image)
        {
            if (observed != generation)
            {
                _emulator.Deployments.MarkAvailable(ns, name);
            }

            return;
        }

        if (state.FailedImage == image)
        {
            return; // a failed rollout is not retried until the image changes (the real kubelet backs off)
        }

        var rollout = await StartContainerAsync(ns, name, podSpec, container, image, generation, cancellationToken);
        if (!rollout.IsSuccess)
        {
            state.FailedImage = image;
            Failures.Enqueue($"{key} {image}: {rollout.Error}");
            _emulator.Deployments.MarkUnavailable(ns, name, "ProgressDeadlineExceeded", rollout.Error!);
            return;
        }

        if (state.Proxy is null)
        {
            var port = Interlocked.Increment(ref _servicePorts) == 1 ? _options.FirstServicePort : 0;
            state.Proxy = ServiceProxy.Start(port);
            ServiceStarted?.Invoke(ns, name, state.Proxy.Url);
        }

        state.Proxy.Route(rollout.Value!.ContainerUrl.Port);
        var previous = state.Current;
        state.Current = rollout.Value;
        state.FailedImage = null;
        Rollouts.Enqueue(rollout.Value);
        var now = _emulator.Get("apps/v1", "deployments", ns, name);
        if (now.IsSuccess && (string?)now.Body["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"] == image)
        {
            _emulator.Deployments.MarkAvailable(ns, name);
        }

        if (previous is not null)
        {
            await RemoveContainerAsync(previous.Container);
        }
    }

    private async Task<StandInResult<KubeletRollout>> StartContainerAsync(
        string ns, string name, JsonObject podSpec, JsonObject container, string image, long generation, CancellationToken cancellationToken)
    {
        var containerName = Podman.ContainerName(ns, name, Interlocked.Increment(ref _sequence));
        var pull = new List<string> { "pull", "--quiet" };
        var authFile = WritePullSecrets(ns, podSpec, containerName);
        if (!authFile.IsSuccess)
        {
            return StandInResult<KubeletRollout>.Fail(authFile.Error!);
        }

        if (authFile.Value is { } auth)
        {
            pull.AddRange(["--authfile", auth]);
        }

        if (_options.CertDirectory is { } certs)
        {
            pull.AddRange(["--cert-dir", certs]);
        }

        pull.Add(image);
        var pulled = await _podman.RunAsync(pull, cancellationToken);
        if (!pulled.Succeeded)
        {
            return StandInResult<KubeletRollout>.Fail("ErrImagePull: " + pulled.Describe());
        }

        var port = (int?)container["ports"]?[0]?["containerPort"] ?? 3000;
        var run = new List<string> { "run", "--detach", "--name", containerName, "--pull", "never", "--publish", "127.0.0.1::" + port.ToString(CultureInfo.InvariantCulture) };
        var podSecurity = podSpec["securityContext"] as JsonObject;
        var security = container["securityContext"] as JsonObject;
        var user = (long?)security?["runAsUser"] ?? (long?)podSecurity?["runAsUser"];
        var group = (long?)security?["runAsGroup"] ?? (long?)podSecurity?["runAsGroup"];
        if (user is not null)
        {
            run.AddRange(["--user", user.Value.ToString(CultureInfo.InvariantCulture) + (group is null ? "" : ":" + group.Value.ToString(CultureInfo.InvariantCulture))]);
        }

        if ((bool?)security?["readOnlyRootFilesystem"] == true)
        {
            run.Add("--read-only");
        }

        if (security?["capabilities"]?["drop"] is JsonArray drop && drop.Any(c => (string?)c == "ALL"))
        {
            run.AddRange(["--cap-drop", "ALL"]);
        }

        if ((bool?)security?["allowPrivilegeEscalation"] == false)
        {
            run.AddRange(["--security-opt", "no-new-privileges"]);
        }

        foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var value = EnvValue(ns, env);
            if (!value.IsSuccess)
            {
                return StandInResult<KubeletRollout>.Fail("CreateContainerConfigError: " + value.Error);
            }

            run.AddRange(["--env", (string?)env["name"] + "=" + value.Value]);
        }

        if (_options.ContainerTimeoutSeconds > 0)
        {
            run.AddRange(["--timeout", _options.ContainerTimeoutSeconds.ToString(CultureInfo.InvariantCulture)]);
        }

        if (container["command"] is JsonArray command && command.Count > 0)
        {
            run.AddRange(["--entrypoint", command.ToJsonString()]);
        }

        run.Add(image);
        run.AddRange((container["args"] as JsonArray ?? []).Select(a => (string?)a ?? ""));
        var started = await _podman.RunAsync(run, cancellationToken);
        if (!started.Succeeded)
        {
            await RemoveContainerAsync(containerName);
            return StandInResult<KubeletRollout>.Fail("CreateContainerError: " + started.Describe());
        }

        var mapped = await _podman.RunAsync(["port", containerName, port.ToString(CultureInfo.InvariantCulture) + "/tcp"], cancellationToken);
        if (!mapped.Succeeded || !Uri.TryCreate("http://" + mapped.Stdout.Trim().Split('\n')[0] + "/", UriKind.Absolute, out var url))
        {
            await RemoveContainerAsync(containerName);
            return StandInResult<KubeletRollout>.Fail("no port mapping: " + mapped.Describe());
        }

        if (!await AnswersHttpAsync(url, cancellationToken))
        {
            var logs = await _podman.RunAsync(["logs", "--tail", "20", containerName], cancellationToken);
            await RemoveContainerAsync(containerName);
            return StandInResult<KubeletRollout>.Fail($"the container did not answer HTTP at {url} within {_options.ReadinessTimeout.TotalSeconds:0}s; its log: {logs.Stdout}{logs.Stderr}");
        }

        return StandInResult<KubeletRollout>.Ok(new KubeletRollout(ns, name, image, containerName, url, generation));
    }

    private async Task<bool> AnswersHttpAsync(Uri url, CancellationToken cancellationToken)
    {
        // A probe every 100 ms, bounded by the readiness timeout (counted in attempts, not wall-clock time).
        for (var attempt = 0; attempt < Math.Max(1, (int)(_options.ReadinessTimeout.TotalMilliseconds / 100)); attempt++)
        {
            try
            {
                using var response = await _probe.GetAsync(url, cancellationToken);
                return true; // any HTTP answer: the server is up
            }
            catch (HttpRequestException)
            {
                // not yet listening
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // slow answer; ask again
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return false;
    }

    private async Task RemoveContainerAsync(string containerName)
    {
        // `-t 0`: the binary is PID 1 and ignores SIGTERM (no default handler for PID 1), as it would in a pod.
        await _podman.RunAsync(["rm", "--force", "--time", "0", containerName], CancellationToken.None);
    }

    private StandInResult<string?> WritePullSecrets(string ns, JsonObject podSpec, string containerName)
    {
        var names = (podSpec["imagePullSecrets"] as JsonArray ?? []).OfType<JsonObject>().Select(s => (string?)s["name"]).OfType<string>().ToList();
        if (names.Count == 0)
        {
            return StandInResult<string?>.Ok(null);
        }

        var auths = new JsonObject();
        foreach (var secretName in names)
        {
            var secret = _emulator.Get("v1", "secrets", ns, secretName);
            if (!secret.IsSuccess || (string?)secret.Body["data"]?[".dockerconfigjson"] is not { } b64)
            {
                continue; // the kubelet ignores a missing pull secret and pulls without it
            }

            if (JsonNode.Parse(Convert.FromBase64String(b64))?["auths"] is JsonObject a)
            {
                foreach (var (registry, entry) in a)
                {
                    auths[registry] ??= entry?.DeepClone();
                }
            }
        }

        var file = Path.Combine(_options.WorkDirectory, containerName + "-auth.json");
        File.WriteAllText(file, new JsonObject { ["auths"] = auths }.ToJsonString());
        return StandInResult<string?>.Ok(file);
    }

    private StandInResult<string> EnvValue(string ns, JsonObject env)
    {
        if ((string?)env["value"] is { } v)
        {
            return StandInResult<string>.Ok(v);
        }

        if (env["valueFrom"]?["secretKeyRef"] is JsonObject s)
        {
            var secret = _emulator.Get("v1", "secrets", ns, (string?)s["name"] ?? "");
            return secret.IsSuccess && (string?)secret.Body["data"]?[(string?)s["key"] ?? ""] is { } b64
                ? StandInResult<string>.Ok(Encoding.UTF8.GetString(Convert.FromBase64String(b64)))
                : StandInResult<string>.Fail($"secret {s["name"]} key {s["key"]} not found");
        }

        if (env["valueFrom"]?["configMapKeyRef"] is JsonObject c)
        {
            var cm = _emulator.Get("v1", "configmaps", ns, (string?)c["name"] ?? "");
            return cm.IsSuccess && (string?)cm.Body["data"]?[(string?)c["key"] ?? ""] is { } value
                ? StandInResult<string>.Ok(value)
                : StandInResult<string>.Fail($"configmap {c["name"]} key {c["key"]} not found");
        }

        return StandInResult<string>.Ok("");
    }

    private sealed class DeploymentState
    {
        public KubeletRollout? Current { get; set; }

        public string? FailedImage { get; set; }

        public ServiceProxy? Proxy { get; set; }
    }
}

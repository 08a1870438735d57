using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// The kubelet of the emulator's node with real containers: the emulator's deployment and ReplicaSet controllers create the
/// pods, and for each pod scheduled here it pulls exactly the pod's image with <c>podman</c> (credentials from the pod's
/// <c>imagePullSecrets</c>, the registry CA from the options), runs it under the pod's security context (user, read-only root,
/// no capabilities, no privilege escalation), reports the pod Running, and Ready only once the container answers HTTP on
/// its port; then the Deployment's <see cref="ServiceProxy"/> routes to it. A failed pull is reported as ErrImagePull, a
/// container that exits as CrashLoopBackOff. When the controllers delete the pod (the old ReplicaSet scaled down after the new
/// pod became available), its container is removed and the Service stops routing to it.
/// </summary>
public sealed class PodmanKubelet : IKubelet, IAsyncDisposable
{
    private readonly ApiServerEmulator _emulator;
    private readonly PodmanKubeletOptions _options;
    private readonly Podman _podman;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, RunningPod> _pods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Service> _services = new(StringComparer.Ordinal);
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private int _sequence;
    private int _servicePorts;

    private PodmanKubelet(ApiServerEmulator emulator, PodmanKubeletOptions options)
    {
        _emulator = emulator;
        _options = options;
        _podman = new Podman(Path.Combine(options.WorkDirectory, "podman"));
    }

    /// <summary>Every container that became ready (its pod Ready), in order.</summary>
    public ConcurrentQueue<KubeletRollout> Rollouts { get; } = new();

    /// <summary>Every pod that failed (pull, run, or no HTTP answer), as <c>namespace/deployment image: reason</c>.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>What ran: the runtime path, for test output.</summary>
    public static string RuntimeDescription => "podman --runtime runc (vfs storage, CNI port mapping on 127.0.0.1)";

    /// <summary>Raised with each new Service address (namespace, name, URL), for the standalone emulator to print.</summary>
    public event Action<string, string, Uri>? ServiceStarted;

    /// <summary>Becomes the kubelet of <paramref name="emulator"/>'s node: pods scheduled from now on run here.</summary>
    public static PodmanKubelet Start(ApiServerEmulator emulator, PodmanKubeletOptions options)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(options);
        var kubelet = new PodmanKubelet(emulator, options);
        emulator.Deployments.Kubelet = kubelet;
        return kubelet;
    }

    /// <summary>The Service address of a Deployment (stable across rollouts), or null before its first pod is ready.</summary>
    public Uri? ServiceUrl(string ns, string name) => _services.TryGetValue(ns + "/" + name, out var s) ? s.Proxy?.Url : null;

    /// <summary>The image of the Deployment's most recently ready pod that still runs, or null.</summary>
    public string? ServingImage(string ns, string name) =>
        _services.TryGetValue(ns + "/" + name, out var s) ? s.Endpoints().Select(e => e.Image).LastOrDefault() : null;

    /// <inheritdoc/>
    public async Task StartPodAsync(KubeletPod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var running = new RunningPod(pod, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token));
        if (!_pods.TryAdd(pod.Uid, running))
        {
            return;
        }

        running.Work = RunAsync(running);
        await running.Work;
    }

    /// <inheritdoc/>
    public async Task StopPodAsync(KubeletPod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!_pods.TryRemove(pod.Uid, out var running))
        {
            return;
        }

        await StopAsync(running);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_emulator.Deployments.Kubelet == this)
        {
            _emulator.Deployments.Kubelet = null;
        }

        await _stop.CancelAsync();
        foreach (var uid in _pods.Keys.ToList())
        {
            if (_pods.TryRemove(uid, out var running))
            {
                await StopAsync(running);
            }
        }

        foreach (var service in _services.Values)
        {
            if (service.Proxy is { } p)
            {
                await p.DisposeAsync();
            }
        }

        await _podman.DeleteRunRootAsync();
        _probe.Dispose();
        _stop.Dispose();
    }

    private async Task StopAsync(RunningPod running)
    {
        running.Ready = null;
        Reroute(running.Pod);
        await running.Cancel.CancelAsync();
        try
        {
            await running.Work;
        }
        catch (OperationCanceledException)
        {
            // stopped while starting
        }

        if (running.Container is { } name)
        {
            await RemoveContainerAsync(name);
        }

        running.Cancel.Dispose();
    }

    private async Task RunAsync(RunningPod running)
    {
        var pod = running.Pod;
        var ct = running.Cancel.Token;
        var key = pod.Namespace + "/" + (pod.Deployment ?? pod.Name);
        var podSpec = pod.Object["spec"] as JsonObject ?? [];
        if (pod.FirstContainer is not { } container || pod.Image is not { } image)
        {
            return;
        }

        var started = await StartContainerAsync(pod, podSpec, container, image, running, ct);
        if (!started.IsSuccess)
        {
            Failures.Enqueue($"{key} {image}: {started.Error}");
            return;
        }

        pod.ReportRunning();
        var url = started.Value!;
        if (!await AnswersHttpAsync(url, ct))
        {
            var logs = await _podman.RunAsync(["logs", "--tail", "20", running.Container!], ct);
            var state = await _podman.RunAsync(["inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", running.Container!], ct);
            var parts = state.Stdout.Trim().Split(' ');
            if (parts is ["false", var code] && int.TryParse(code, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exitCode))
            {
                pod.ReportExited(exitCode, "Error", logs.Stdout + logs.Stderr);
            }

            Failures.Enqueue($"{key} {image}: the container did not answer HTTP at {url} within {_options.ReadinessTimeout.TotalSeconds:0}s; its log: {logs.Stdout}{logs.Stderr}");
            return;
        }

        if (!_pods.ContainsKey(pod.Uid) || !pod.Exists)
        {
            return; // deleted meanwhile
        }

        running.ReadyOrder = Interlocked.Increment(ref _sequence);
        running.Ready = url;
        Rollouts.Enqueue(new KubeletRollout(pod.Namespace, pod.Deployment ?? pod.Name, image, running.Container!, url, pod.Name));
        Reroute(pod);
        pod.ReportReady(true);
    }

    /// <summary>Routes the Deployment's Service to its ready pods (kube-proxy follows the EndpointSlices of ready pods).</summary>
    private void Reroute(KubeletPod pod)
    {
        var key = pod.Namespace + "/" + (pod.Deployment ?? pod.Name);
        var service = _services.GetOrAdd(key, _ => new Service(this, pod.Namespace, pod.Deployment ?? pod.Name));
        var ports = service.Endpoints().Select(p => p.Ready!.Port).ToList();
        lock (service)
        {
            if (service.Proxy is null && ports.Count > 0)
            {
                var port = Interlocked.Increment(ref _servicePorts) == 1 ? _options.FirstServicePort : 0;
                service.Proxy = ServiceProxy.Start(port);
                ServiceStarted?.Invoke(pod.Namespace, pod.Deployment ?? pod.Name, service.Proxy.Url);
            }

            service.Proxy?.Route(ports);
        }
    }

    private async Task<StandInResult<Uri>> StartContainerAsync(
        KubeletPod pod, JsonObject podSpec, JsonObject container, string image, RunningPod running, CancellationToken cancellationToken)
    {
        var ns = pod.Namespace;
        var containerName = Podman.ContainerName(ns, pod.Deployment ?? pod.Name, Interlocked.Increment(ref _sequence));
        var pull = new List<string> { "pull", "--quiet" };
        var authFile = WritePullSecrets(ns, podSpec, containerName);
        if (!authFile.IsSuccess)
        {
            return StandInResult<Uri>.Fail(authFile.Error!);
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
            pod.ReportWaiting("ErrImagePull", pulled.Describe());
            return StandInResult<Uri>.Fail("ErrImagePull: " + pulled.Describe());
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
                pod.ReportWaiting("CreateContainerConfigError", value.Error!);
                return StandInResult<Uri>.Fail("CreateContainerConfigError: " + value.Error);
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
        running.Container = containerName;
        var started = await _podman.RunAsync(run, cancellationToken);
        if (!started.Succeeded)
        {
            pod.ReportWaiting("CreateContainerError", started.Describe());
            return StandInResult<Uri>.Fail("CreateContainerError: " + started.Describe());
        }

        var mapped = await _podman.RunAsync(["port", containerName, port.ToString(CultureInfo.InvariantCulture) + "/tcp"], cancellationToken);
        if (!mapped.Succeeded || !Uri.TryCreate("http://" + mapped.Stdout.Trim().Split('\n')[0] + "/", UriKind.Absolute, out var url))
        {
            return StandInResult<Uri>.Fail("no port mapping: " + mapped.Describe());
        }

        return StandInResult<Uri>.Ok(url);
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

    private sealed class RunningPod(KubeletPod pod, CancellationTokenSource cancel)
    {
        public KubeletPod Pod { get; } = pod;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task Work { get; set; } = Task.CompletedTask;

        public string? Container { get; set; }

        /// <summary>The container's URL once the pod is Ready; null while not ready or once stopping.</summary>
        public Uri? Ready { get; set; }

        public int ReadyOrder { get; set; }
    }

    private sealed class Service(PodmanKubelet kubelet, string ns, string name)
    {
        public ServiceProxy? Proxy { get; set; }

        public IEnumerable<(Uri? Ready, string? Image)> Endpoints() =>
            kubelet._pods.Values.Where(p => p.Ready is not null && p.Pod.Namespace == ns && (p.Pod.Deployment ?? p.Pod.Name) == name)
                .OrderBy(p => p.ReadyOrder).Select(p => (p.Ready, p.Pod.Image));
    }
}

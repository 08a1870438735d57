using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Runs ONE pod (the JSON the API server stores: metadata and spec) the way a kubelet with runc would, in a real
/// <c>podman</c> container: the image pulled from the registry (the pod's <c>imagePullSecrets</c>, the registry CA),
/// <c>command</c>/<c>args</c> (replacing the image's entrypoint/cmd, with <c>$(VAR)</c> expansion) and <c>env</c>,
/// the security context (user and group, <c>runAsNonRoot</c> checked against the image's user, a read-only root with
/// <b>no</b> tmpfs added, capabilities, no-new-privileges, seccomp, privileged), the declared volumes only
/// (<see cref="PodVolumes"/>, the service-account token and CA included), <c>limits.memory</c>/<c>limits.cpu</c>
/// as cgroup limits, liveness/readiness/startup probes polled, restarts per <c>restartPolicy</c> with the kubelet's
/// back-off, and emptyDir <c>sizeLimit</c> eviction.
/// <para>
/// Networking: the container shares the host's network namespace (<c>--network host</c>), the one mode in which it
/// reaches the emulator and registry on 127.0.0.1 without either listening elsewhere; its ports are host ports.
/// Podman also gives it what any CRI runtime gives a container: a tmpfs <c>/dev</c> with <c>/dev/shm</c> and
/// <c>/dev/mqueue</c>, and read-only <c>/etc/hosts</c>, <c>/etc/hostname</c>, <c>/etc/resolv.conf</c>; no
/// <c>/etc/passwd</c> entry is injected (<c>--passwd=false</c>) and no writable path beyond those.
/// </para>
/// </summary>
public sealed class PodmanPod : IAsyncDisposable
{
    private readonly JsonObject _pod;
    private readonly JsonObject _container;
    private readonly PodmanPodOptions _options;
    private readonly Podman _podman;
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly HttpClient _http;
    private Task _supervising = Task.CompletedTask;
    private string _phase = "Pending";
    private string _state = "waiting";
    private string? _reason = "ContainerCreating";
    private string? _message;
    private bool _ready;
    private int _restarts;
    private PodContainerTermination? _last;
    private int _livenessProbes;
    private int _readinessProbes;
    private long? _memoryLimit;
    private bool _memoryEnforced;
    private long? _memoryPeak;

    /// <summary>The pod-level memory cgroup under the v1 memory controller (relative path), once made.</summary>
    private string? _podCgroup;
    private string? _currentContainer;
    private string? _killedFor;
    private DateTimeOffset? _startedAt;
    private string? _imageId;

    private PodmanPod(JsonObject pod, JsonObject container, PodmanPodOptions options)
    {
        _pod = pod;
        _container = container;
        _options = options;
        var metadata = pod["metadata"] as JsonObject ?? [];
        _directory = Path.Combine(options.WorkDirectory, ((string?)metadata["namespace"] ?? "default") + "_" + (string?)metadata["name"]);
        _podman = new Podman(Path.Combine(_directory, "podman"));
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true; // the kubelet skips TLS verification for HTTPS probes
        _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _memoryLimit = KubeQuantity.Bytes((string?)container["resources"]?["limits"]?["memory"]);
    }

    /// <summary>The podman arguments of the last <c>podman run</c> (the container's name left out), for tests and logs.</summary>
    public IReadOnlyList<string> RunArguments { get; private set; } = [];

    /// <summary>The pod's namespace and name.</summary>
    public string Key => (string?)_pod["metadata"]?["namespace"] + "/" + (string?)_pod["metadata"]?["name"];

    /// <summary>The container's current state.</summary>
    public PodmanPodStatus Status
    {
        get
        {
            lock (_lock)
            {
                return new PodmanPodStatus(_phase, _state, _reason, _message, _ready, _restarts, _last, _livenessProbes, _readinessProbes,
                    _memoryLimit, _memoryEnforced, _memoryPeak);
            }
        }
    }

    /// <summary>Starts running <paramref name="pod"/> (its first container; init containers are refused) and returns at once.</summary>
    public static PodmanPod Start(JsonObject pod, PodmanPodOptions options)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(options);
        var containers = pod["spec"]?["containers"] as JsonArray;
        var container = containers?.FirstOrDefault() as JsonObject ?? throw new ArgumentException("the pod has no container", nameof(pod));
        var result = new PodmanPod((JsonObject)pod.DeepClone(), (JsonObject)container.DeepClone(), options);
        if (containers!.Count > 1 || pod["spec"]?["initContainers"] is JsonArray { Count: > 0 })
        {
            result.SetWaiting("CreateContainerConfigError", "the pod stand-in runs pods with exactly one container and no init containers");
            return result;
        }

        result._supervising = Task.Run(() => result.SuperviseOrReportAsync(result._stop.Token));
        return result;
    }

    /// <summary>The running (or last) container's output, stdout and stderr interleaved as podman stored them.</summary>
    public async Task<string> LogsAsync(CancellationToken cancellationToken)
    {
        var name = _currentContainer;
        if (name is null)
        {
            return _last?.Logs ?? "";
        }

        var logs = await _podman.RunAsync(["logs", name], cancellationToken);
        return logs.Succeeded ? logs.Stdout + logs.Stderr : _last?.Logs ?? "";
    }

    /// <summary>The pod's <c>status</c> as a kubelet writes it (phase, conditions, containerStatuses), to write into the API server.</summary>
    public JsonObject PodStatusJson()
    {
        var s = Status;
        var now = _options.TimeProvider.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        JsonObject Condition(string type, bool status) => new() { ["type"] = type, ["status"] = status ? "True" : "False", ["lastTransitionTime"] = now };
        JsonObject State(string state, string? reason, string? message, int? exitCode) => state switch
        {
            "running" => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = _startedAt?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? now } },
            "terminated" => new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = exitCode ?? 0, ["reason"] = reason, ["message"] = message } },
            _ => new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason, ["message"] = message } },
        };
        var status = new JsonObject
        {
            ["phase"] = s.Phase,
            ["conditions"] = new JsonArray(Condition("PodScheduled", true), Condition("Initialized", true), Condition("ContainersReady", s.Ready), Condition("Ready", s.Ready)),
            ["hostIP"] = "127.0.0.1",
            ["podIP"] = "127.0.0.1",
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = (string?)_container["name"],
                ["image"] = (string?)_container["image"],
                ["imageID"] = _imageId ?? "",
                ["ready"] = s.Ready,
                ["started"] = s.State == "running",
                ["restartCount"] = s.RestartCount,
                ["state"] = State(s.State, s.Reason, s.Message, s.LastTermination?.ExitCode),
                ["lastState"] = s.LastTermination is { } t ? State("terminated", t.Reason, t.Message, t.ExitCode) : new JsonObject(),
            }),
        };
        if (s.Phase != "Pending" && status["containerStatuses"]![0]!["state"]!["terminated"] is JsonObject term && s.State == "terminated")
        {
            term["exitCode"] = s.LastTermination?.ExitCode ?? 0;
        }

        return status;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _supervising;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        if (_currentContainer is { } name)
        {
            await _podman.RunAsync(["rm", "--force", "--time", "0", name], CancellationToken.None);
        }

        await _podman.DeleteRunRootAsync();
        if (_podCgroup is { } cgroup)
        {
            try
            {
                // rmdir of empty cgroups, children first (conmon's and the container's, if podman left them)
                var dir = "/sys/fs/cgroup/memory" + cgroup;
                foreach (var child in Directory.EnumerateDirectories(dir).ToList())
                {
                    Directory.Delete(child);
                }

                Directory.Delete(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // still busy (a process left behind): the kernel frees it when the last one exits
            }
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private async Task SuperviseOrReportAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SuperviseAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the stand-in, not a kubelet outcome: shown as the status so a waiting test fails with it at once.
            lock (_lock)
            {
                _phase = "Failed";
                _state = "waiting";
                _reason = "StandInError";
                _message = e.ToString();
            }
        }
    }

    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(cancellationToken);
        if (prepared is null)
        {
            return;
        }

        var restartPolicy = (string?)_pod["spec"]?["restartPolicy"] ?? "Always";
        var backOff = _options.InitialBackOff;
        for (var run = 1; !cancellationToken.IsCancellationRequested; run++)
        {
            var name = Podman.ContainerName((string?)_pod["metadata"]?["namespace"] ?? "default", (string?)_pod["metadata"]?["name"] ?? "pod", run);
            _killedFor = null;
            var started = await _podman.RunAsync(["run", "--name", name, .. prepared], cancellationToken);
            if (!started.Succeeded)
            {
                await _podman.RunAsync(["rm", "--force", name], CancellationToken.None);
                SetWaiting("RunContainerError", started.Describe());
            }
            else
            {
                _currentContainer = name;
                lock (_lock)
                {
                    _phase = "Running";
                    _state = "running";
                    _reason = null;
                    _message = null;
                    _startedAt = _options.TimeProvider.GetUtcNow();
                    _ready = _container["readinessProbe"] is null && _container["startupProbe"] is null;
                }

                var termination = await WatchRunAsync(name, cancellationToken);
                lock (_lock)
                {
                    _last = termination;
                    _ready = false;
                }

                if (termination.Reason == "Evicted" || restartPolicy == "Never" || (restartPolicy == "OnFailure" && termination.ExitCode == 0))
                {
                    lock (_lock)
                    {
                        _phase = termination.ExitCode == 0 && termination.Reason != "Evicted" ? "Succeeded" : "Failed";
                        _state = "terminated";
                        _reason = termination.Reason;
                        _message = termination.Message;
                    }

                    return;
                }

                SetWaiting("CrashLoopBackOff", string.Create(CultureInfo.InvariantCulture,
                    $"back-off {backOff.TotalSeconds}s restarting failed container={_container["name"]} pod={_pod["metadata"]?["name"]}_{_pod["metadata"]?["namespace"]}({_pod["metadata"]?["uid"]})"));
            }

            await Task.Delay(backOff, _options.TimeProvider, cancellationToken);
            backOff = TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, TimeSpan.FromMinutes(5).Ticks));
            if (started.Succeeded)
            {
                lock (_lock)
                {
                    _restarts++;
                }
            }
        }
    }

    /// <summary>Pulls the image, checks runAsNonRoot, builds env and volumes; returns the <c>podman run</c> arguments
    /// (after <c>--name</c>), or null after recording why the container cannot be created.</summary>
    private async Task<string[]?> PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_directory);
        var image = (string?)_container["image"] ?? "";
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (PodProbe.Unsupported(_container[probe] as JsonObject) is { } why)
            {
                SetWaiting("CreateContainerConfigError", why);
                return null;
            }
        }

        var pull = new List<string> { "pull", "--quiet" };
        if ((_options.AuthFile ?? WritePullSecrets()) is { } auth)
        {
            pull.AddRange(["--authfile", auth]);
        }

        if (_options.RegistryCertDirectory is { } certs)
        {
            pull.AddRange(["--cert-dir", certs]);
        }

        var pulled = await _podman.RunAsync([.. pull, image], cancellationToken);
        if (!pulled.Succeeded)
        {
            SetWaiting("ErrImagePull", pulled.Describe());
            return null;
        }

        _imageId = "docker-pullable://" + image;
        var inspected = await _podman.RunAsync(["image", "inspect", "--format", "{{.Config.User}}", image], cancellationToken);
        var podSecurity = _pod["spec"]?["securityContext"] as JsonObject ?? [];
        var security = _container["securityContext"] as JsonObject ?? [];
        var runAsUser = JsonNumbers.Long(security["runAsUser"]) ?? JsonNumbers.Long(podSecurity["runAsUser"]);
        var runAsGroup = JsonNumbers.Long(security["runAsGroup"]) ?? JsonNumbers.Long(podSecurity["runAsGroup"]);
        var runAsNonRoot = (bool?)security["runAsNonRoot"] ?? (bool?)podSecurity["runAsNonRoot"];
        if (VerifyRunAsNonRoot(runAsNonRoot, runAsUser, inspected.Stdout.Trim()) is { } refused)
        {
            SetWaiting("CreateContainerConfigError", refused);
            return null;
        }

        var env = PodEnvironment.Build(_pod, _container, _options.ApiServer, _options.Get);
        if (!env.IsSuccess)
        {
            SetWaiting("CreateContainerConfigError", env.Error);
            return null;
        }

        var volumes = await PodVolumes.PrepareAsync(_pod, _container, Path.Combine(_directory, "volumes"), _options, cancellationToken);
        if (!volumes.IsSuccess)
        {
            SetWaiting("CreateContainerConfigError", volumes.Error);
            return null;
        }

        _sizeLimited = volumes.Value!.SizeLimited;
        var args = new List<string> { "--detach", "--pull", "never", "--network", "host", "--passwd=false" };
        var podName = (string?)_pod["metadata"]?["name"] ?? "pod";
        args.AddRange(["--hostname", podName.Length > 63 ? podName[..63] : podName]);
        args.AddRange(["--stop-timeout", (JsonNumbers.Long(_pod["spec"]?["terminationGracePeriodSeconds"]) ?? 30).ToString(CultureInfo.InvariantCulture)]);
        if (runAsUser is not null)
        {
            args.AddRange(["--user", runAsUser.Value.ToString(CultureInfo.InvariantCulture) + (runAsGroup is { } g ? ":" + g.ToString(CultureInfo.InvariantCulture) : "")]);
        }

        foreach (var group in (podSecurity["supplementalGroups"] as JsonArray ?? []).Select(JsonNumbers.Long).Append(JsonNumbers.Long(podSecurity["fsGroup"])).OfType<long>())
        {
            args.AddRange(["--group-add", group.ToString(CultureInfo.InvariantCulture)]);
        }

        if ((bool?)security["readOnlyRootFilesystem"] == true)
        {
            args.AddRange(["--read-only", "--read-only-tmpfs=false"]); // podman would add /tmp, /var/tmp and /run tmpfs; a kubelet adds none
        }

        if ((bool?)security["privileged"] == true)
        {
            args.Add("--privileged");
        }

        foreach (var cap in (security["capabilities"]?["drop"] as JsonArray ?? []).Select(c => (string?)c).OfType<string>())
        {
            args.AddRange(["--cap-drop", cap]);
        }

        foreach (var cap in (security["capabilities"]?["add"] as JsonArray ?? []).Select(c => (string?)c).OfType<string>())
        {
            args.AddRange(["--cap-add", cap]);
        }

        if ((bool?)security["allowPrivilegeEscalation"] == false)
        {
            args.AddRange(["--security-opt", "no-new-privileges"]);
        }

        var seccomp = (string?)(security["seccompProfile"] ?? podSecurity["seccompProfile"])?["type"];
        switch (seccomp)
        {
            case "RuntimeDefault":
                break; // podman's default profile is the runtime's default
            case "Localhost":
                SetWaiting("CreateContainerConfigError", "seccompProfile Localhost is not supported by the pod stand-in");
                return null;
            default:
                args.AddRange(["--security-opt", "seccomp=unconfined"]); // a kubelet without --seccomp-default runs Unconfined
                break;
        }

        if (_memoryLimit is { } memory)
        {
            var bytes = memory.ToString(CultureInfo.InvariantCulture);
            args.AddRange(["--memory", bytes, "--memory-swap", bytes]); // Kubernetes gives containers no swap
            if (PodMemoryCgroup(memory) is { } parent)
            {
                args.AddRange(["--cgroup-parent", parent]);
            }
        }

        if (KubeQuantity.Parse((string?)_container["resources"]?["limits"]?["cpu"]) is { } cpu)
        {
            args.AddRange(["--cpus", cpu.ToString(CultureInfo.InvariantCulture)]);
        }

        var envMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in env.Value!)
        {
            args.AddRange(["--env", k + "=" + v]);
            envMap[k] = v;
        }

        foreach (var mount in volumes.Value.MountArguments)
        {
            args.AddRange(["--mount", mount]);
        }

        if ((string?)_container["workingDir"] is { Length: > 0 } workingDir)
        {
            args.AddRange(["--workdir", workingDir]);
        }

        if (_container["command"] is JsonArray command)
        {
            var expanded = new JsonArray([.. command.Select(c => (JsonNode?)JsonValue.Create(PodEnvironment.Expand((string?)c ?? "", envMap)))]);
            args.AddRange(["--entrypoint", expanded.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })]);
        }

        args.Add(image);
        args.AddRange((_container["args"] as JsonArray ?? []).Select(a => PodEnvironment.Expand((string?)a ?? "", envMap)));
        RunArguments = args;
        return [.. args];
    }

    private IReadOnlyList<(string Name, string Path, long Limit)> _sizeLimited = [];

    /// <summary>The kubelet's verifyRunAsNonRoot (pkg/kubelet/kuberuntime/security_context_others.go); an image without a
    /// user runs as uid 0.</summary>
    private string? VerifyRunAsNonRoot(bool? runAsNonRoot, long? runAsUser, string imageUser)
    {
        if (runAsNonRoot != true)
        {
            return null;
        }

        var metadata = _pod["metadata"];
        var pod = $"{metadata?["name"]}_{metadata?["namespace"]}({metadata?["uid"]})";
        var container = (string?)_container["name"];
        if (runAsUser is not null)
        {
            return runAsUser == 0 ? $"container's runAsUser breaks non-root policy (pod: \"{pod}\", container: {container})" : null;
        }

        var user = imageUser.Split(':')[0];
        if (user.Length == 0)
        {
            user = "0";
        }

        if (!long.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
        {
            return $"container has runAsNonRoot and image has non-numeric user ({user}), cannot verify user is non-root (pod: \"{pod}\", container: {container})";
        }

        return uid == 0 ? $"container has runAsNonRoot and image will run as root (pod: \"{pod}\", container: {container})" : null;
    }

    private async Task<PodContainerTermination> WatchRunAsync(string name, CancellationToken cancellationToken)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watchers = new List<Task> { SampleAsync(name, running.Token) };
        var liveness = _container["livenessProbe"] as JsonObject;
        var readiness = _container["readinessProbe"] as JsonObject;
        var startup = _container["startupProbe"] as JsonObject;
        watchers.Add(ProbeAsync(name, startup, liveness, readiness, running.Token));
        var waited = await _podman.RunAsync(["wait", name], cancellationToken);
        await running.CancelAsync();
        foreach (var w in watchers)
        {
            try
            {
                await w;
            }
            catch (OperationCanceledException)
            {
                // the run ended
            }
        }

        var exit = int.TryParse(waited.Stdout.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : -1;
        ReadPodMemoryCgroup();
        var logs = await _podman.RunAsync(["logs", name], CancellationToken.None);
        var oom = await _podman.RunAsync(["inspect", "--format", "{{.State.OOMKilled}}", name], CancellationToken.None);
        await _podman.RunAsync(["rm", "--force", name], CancellationToken.None);
        _currentContainer = null;
        string reason;
        var message = _killedFor ?? "";
        if (_killedFor?.StartsWith("Usage of EmptyDir", StringComparison.Ordinal) == true)
        {
            reason = "Evicted";
        }
        else if (oom.Stdout.Trim() == "true" || (exit == 137 && _killedFor is null && _memoryLimit is not null))
        {
            // Podman does not always tell on cgroup v1; nothing but the OOM killer sends SIGKILL to a container with a
            // memory limit that the stand-in did not stop: the limit was enforced, and the container reached it
            // whatever the last sample (taken every SampleInterval) saw.
            reason = "OOMKilled";
            lock (_lock)
            {
                _memoryEnforced = true;
                _memoryPeak = Math.Max(_memoryPeak ?? 0, _memoryLimit ?? 0);
            }
        }
        else
        {
            reason = exit == 0 ? "Completed" : "Error";
        }

        return new PodContainerTermination(exit, reason, message, logs.Stdout + logs.Stderr);
    }

    private async Task ProbeAsync(string name, JsonObject? startup, JsonObject? liveness, JsonObject? readiness, CancellationToken cancellationToken)
    {
        if (startup is not null && !await RunProbeAsync(name, new PodProbe(startup, _container), "Startup", null, cancellationToken))
        {
            return;
        }

        lock (_lock)
        {
            _ready = readiness is null;
        }

        var loops = new List<Task>();
        if (liveness is not null)
        {
            loops.Add(RunProbeAsync(name, new PodProbe(liveness, _container), "Liveness", () => Interlocked.Increment(ref _livenessProbes), cancellationToken));
        }

        if (readiness is not null)
        {
            loops.Add(RunProbeAsync(name, new PodProbe(readiness, _container), "Readiness", () => Interlocked.Increment(ref _readinessProbes), cancellationToken));
        }

        await Task.WhenAll(loops);
    }

    /// <summary>Polls one probe until the run ends; for a startup probe, until its first success (true). A liveness or
    /// startup probe that fails <c>failureThreshold</c> times in a row kills the container (false).</summary>
    private async Task<bool> RunProbeAsync(string name, PodProbe probe, string kind, Action? counted, CancellationToken cancellationToken)
    {
        await Task.Delay(probe.InitialDelay, _options.TimeProvider, cancellationToken);
        int failures = 0, successes = 0;
        while (true)
        {
            var failure = await probe.RunAsync(_http, cancellationToken);
            counted?.Invoke();
            if (failure is null)
            {
                failures = 0;
                successes++;
                if (kind == "Startup")
                {
                    return true;
                }

                if (kind == "Readiness" && successes >= probe.SuccessThreshold)
                {
                    lock (_lock)
                    {
                        _ready = true;
                    }
                }
            }
            else
            {
                successes = 0;
                failures++;
                if (kind == "Readiness" && failures >= probe.FailureThreshold)
                {
                    lock (_lock)
                    {
                        _ready = false;
                    }
                }
                else if (kind != "Readiness" && failures >= probe.FailureThreshold)
                {
                    _killedFor = $"{kind} probe failed: {failure}";
                    await _podman.RunAsync(["stop", name], CancellationToken.None);
                    return false;
                }
            }

            await Task.Delay(probe.Period, _options.TimeProvider, cancellationToken);
        }
    }

    /// <summary>Samples the container's memory (cgroup max usage, else the main process's VmHWM) and the disk emptyDirs'
    /// usage, evicting the pod when one exceeds its sizeLimit (pkg/kubelet/eviction: emptyDir limit).</summary>
    private async Task SampleAsync(string name, CancellationToken cancellationToken)
    {
        var pidText = await _podman.RunAsync(["inspect", "--format", "{{.State.Pid}}", name], cancellationToken);
        var pid = int.TryParse(pidText.Stdout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        var (peakFile, limitFile) = pid > 0 ? CgroupMemoryFiles(pid) : (null, null);
        if (limitFile is not null && _memoryLimit is { } limit && ReadLong(limitFile) is { } cgroupLimit)
        {
            lock (_lock)
            {
                _memoryEnforced = cgroupLimit == limit;
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var sample = (peakFile is null ? null : ReadLong(peakFile)) ?? VmHwm(pid);
            if (sample is { } bytes)
            {
                lock (_lock)
                {
                    _memoryPeak = Math.Max(_memoryPeak ?? 0, bytes);
                }
            }

            foreach (var (volume, path, sizeLimit) in _sizeLimited)
            {
                var used = Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
                if (used > sizeLimit && _killedFor is null)
                {
                    _killedFor = $"Usage of EmptyDir volume \"{volume}\" exceeds the limit \"{sizeLimit.ToString(CultureInfo.InvariantCulture)}\". ";
                    await _podman.RunAsync(["stop", "--time", "0", name], CancellationToken.None);
                    return;
                }
            }

            await Task.Delay(_options.SampleInterval, _options.TimeProvider, cancellationToken);
        }
    }

    /// <summary>
    /// The pod-level memory cgroup, as the kubelet makes one per pod (pkg/kubelet/cm: pod cgroups carry the sum of their
    /// containers' limits), where the host has the cgroup v1 memory controller writable: the container's cgroup goes away
    /// with the container, the pod's stays, so the peak of a container that lived shorter than one sample (a fast
    /// <c>verify</c>) is still read. Null where it cannot be made (then only the samples count).
    /// </summary>
    private string? PodMemoryCgroup(long limit)
    {
        if (_podCgroup is not null)
        {
            return _podCgroup;
        }

        try
        {
            const string Root = "/sys/fs/cgroup/memory";
            if (!File.Exists(Path.Combine(Root, "memory.max_usage_in_bytes")))
            {
                return null;
            }

            var relative = "/tinyimage-standin/pod-" + Guid.NewGuid().ToString("N")[..12];
            var dir = Root + relative;
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "memory.limit_in_bytes"), limit.ToString(CultureInfo.InvariantCulture));
            _podCgroup = relative;
            return relative;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>After a container ended: the pod cgroup's peak and limit (see <see cref="PodMemoryCgroup"/>).</summary>
    private void ReadPodMemoryCgroup()
    {
        if (_podCgroup is null || _memoryLimit is not { } limit)
        {
            return;
        }

        var dir = "/sys/fs/cgroup/memory" + _podCgroup;
        var peak = ReadLong(Path.Combine(dir, "memory.max_usage_in_bytes"));
        var podLimit = ReadLong(Path.Combine(dir, "memory.limit_in_bytes"));
        lock (_lock)
        {
            if (peak is { } bytes && bytes > 0)
            {
                _memoryPeak = Math.Max(_memoryPeak ?? 0, bytes);
            }

            _memoryEnforced |= podLimit == limit;
        }
    }

    /// <summary>The host's cgroup files for the container's memory peak and limit (cgroup v1 or v2), from /proc/PID/cgroup.</summary>
    private static (string? Peak, string? Limit) CgroupMemoryFiles(int pid)
    {
        try
        {
            foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
            {
                var parts = line.Split(':', 3);
                // "/" is the root as seen from a private cgroup namespace, not the container's cgroup: reading the host's
                // root there would report the whole machine's usage as the container's.
                if (parts.Length == 3 && parts[1].Split(',').Contains("memory") && parts[2] != "/")
                {
                    var dir = "/sys/fs/cgroup/memory" + parts[2];
                    return (Path.Combine(dir, "memory.max_usage_in_bytes"), Path.Combine(dir, "memory.limit_in_bytes"));
                }
            }

            foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
            {
                if (line.StartsWith("0::", StringComparison.Ordinal) && File.Exists("/sys/fs/cgroup" + line[3..] + "/memory.peak"))
                {
                    return ("/sys/fs/cgroup" + line[3..] + "/memory.peak", "/sys/fs/cgroup" + line[3..] + "/memory.max");
                }
            }
        }
        catch (IOException)
        {
            // the container already exited
        }

        return (null, null);
    }

    private static long? ReadLong(string file)
    {
        try
        {
            return long.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? VmHwm(int pid)
    {
        try
        {
            var line = pid > 0 ? File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) : null;
            return line is null ? null : long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private string? WritePullSecrets()
    {
        var ns = (string?)_pod["metadata"]?["namespace"] ?? "default";
        var auths = new JsonObject();
        foreach (var secretName in (_pod["spec"]?["imagePullSecrets"] as JsonArray ?? []).Select(s => (string?)s?["name"]).OfType<string>())
        {
            // The kubelet ignores a missing pull secret and pulls without it.
            if ((string?)_options.Get("v1", "secrets", ns, secretName)?["data"]?[".dockerconfigjson"] is { } b64
                && JsonNode.Parse(Convert.FromBase64String(b64))?["auths"] is JsonObject a)
            {
                foreach (var (registry, entry) in a)
                {
                    auths[registry] ??= entry?.DeepClone();
                }
            }
        }

        if (auths.Count == 0)
        {
            return null;
        }

        var file = Path.Combine(_directory, "pull-auth.json");
        File.WriteAllText(file, new JsonObject { ["auths"] = auths }.ToJsonString());
        return file;
    }

    private void SetWaiting(string reason, string? message)
    {
        lock (_lock)
        {
            _state = "waiting";
            _reason = reason;
            _message = message;
            _ready = false;
        }
    }
}

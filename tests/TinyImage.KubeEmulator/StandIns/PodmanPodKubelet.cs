using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// The kubelet of the emulator's node for two kinds of pods. Pods in <see cref="Namespaces"/> (the operator's own, installed
/// from its chart) run exactly as stored, each in a <see cref="PodmanPod"/>: security context, declared volumes, the
/// service-account token the emulator issues for the pod's ServiceAccount with the cluster CA, <c>KUBERNETES_SERVICE_HOST</c>
/// and <c>_PORT</c>, memory limit, and the probes, whose verdict is written back into the pod's status as the kubelet's
/// status manager does, so the ReplicaSet and Deployment controllers see the pod become available; its output is served at
/// <c>pods/NAME/log</c> (<c>kubectl logs</c>). Every other pod (the
/// TinyImages' workloads) goes to <see cref="Workloads"/>, the <see cref="PodmanKubelet"/>.
/// </summary>
public sealed class PodmanPodKubelet : IKubelet, IAsyncDisposable
{
    private readonly ApiServerEmulator _emulator;
    private readonly PodmanPodOptions _options;
    private readonly ConcurrentDictionary<string, Running> _pods = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    private PodmanPodKubelet(ApiServerEmulator emulator, IKubelet workloads, IReadOnlySet<string> namespaces, PodmanPodOptions options)
    {
        _emulator = emulator;
        Workloads = workloads;
        Namespaces = namespaces;
        _options = options;
    }

    /// <summary>The namespaces whose pods run as <see cref="PodmanPod"/>s.</summary>
    public IReadOnlySet<string> Namespaces { get; }

    /// <summary>The kubelet of every other pod.</summary>
    public IKubelet Workloads { get; }

    /// <summary>The pods running here now (namespace/name), for tests and diagnostics.</summary>
    public IReadOnlyList<PodmanPod> Pods => [.. _pods.Values.Select(r => r.Pod)];

    /// <summary>Raised when a pod's container restarts or ends (the pod's key and its status), e.g. to fail a scenario at once.</summary>
    public event Action<string, PodmanPodStatus>? ContainerEnded;

    /// <summary>
    /// Becomes the kubelet of <paramref name="emulator"/>'s node: pods in <paramref name="namespaces"/> run as stored, the rest
    /// go to <paramref name="workloads"/>. Tokens come from the emulator's issuer and the CA is the emulator's (HTTPS).
    /// </summary>
    public static PodmanPodKubelet Start(ApiServerEmulator emulator, IKubelet workloads, IEnumerable<string> namespaces, string workDirectory, string? registryCertDirectory)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(namespaces);
        var options = new PodmanPodOptions(workDirectory, emulator.BaseAddress,
            (apiVersion, plural, ns, name) => emulator.Get(apiVersion, plural, ns, name) is { IsSuccess: true } r ? r.Body : null)
        {
            RegistryCertDirectory = registryCertDirectory,
            ClusterCaCertificatePem = emulator.CertificateAuthorityPem,
            ServiceAccountTokenIssuer = (request, _) =>
                Task.FromResult(emulator.CreateToken(request.Namespace, request.ServiceAccountName, TimeSpan.FromSeconds(request.ExpirationSeconds))),
        };
        var kubelet = new PodmanPodKubelet(emulator, workloads, new HashSet<string>(namespaces, StringComparer.Ordinal), options);
        emulator.Deployments.Kubelet = kubelet;
        return kubelet;
    }

    /// <inheritdoc/>
    public Task StartPodAsync(KubeletPod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!Namespaces.Contains(pod.Namespace))
        {
            return Workloads.StartPodAsync(pod, cancellationToken);
        }

        var running = new Running(PodmanPod.Start(pod.Object, _options), CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
        if (!_pods.TryAdd(pod.Uid, running))
        {
            return running.Pod.DisposeAsync().AsTask();
        }

        running.Reporting = ReportAsync(pod, running, running.Cancel.Token);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopPodAsync(KubeletPod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!Namespaces.Contains(pod.Namespace))
        {
            await Workloads.StopPodAsync(pod, cancellationToken);
            return;
        }

        if (_pods.TryRemove(pod.Uid, out var running))
        {
            await StopAsync(running);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_emulator.Deployments.Kubelet == this)
        {
            _emulator.Deployments.Kubelet = Workloads;
        }

        await _stop.CancelAsync();
        foreach (var uid in _pods.Keys.ToList())
        {
            if (_pods.TryRemove(uid, out var running))
            {
                await StopAsync(running);
            }
        }

        _stop.Dispose();
    }

    private static async Task StopAsync(Running running)
    {
        await running.Cancel.CancelAsync();
        try
        {
            await running.Reporting;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        await running.Pod.DisposeAsync();
        running.Cancel.Dispose();
    }

    /// <summary>The status manager: writes the pod's status whenever the container's state, readiness or restarts change.</summary>
    private async Task ReportAsync(KubeletPod pod, Running running, CancellationToken cancellationToken)
    {
        PodmanPodStatus? written = null;
        var container = (string?)pod.FirstContainer?["name"] ?? "";
        for (var tick = 0; !cancellationToken.IsCancellationRequested; tick++)
        {
            if (tick % 10 == 0)
            {
                // What the container printed, served at pods/NAME/log for kubectl logs (the kubelet reads the CRI's log file).
                _emulator.PodLogs.Set(pod.Namespace, pod.Name, container, await running.Pod.LogsAsync(cancellationToken));
            }

            var now = running.Pod.Status;
            if (written is null || now.Phase != written.Phase || now.State != written.State || now.Reason != written.Reason
                || now.Ready != written.Ready || now.RestartCount != written.RestartCount)
            {
                if (written is not null && (now.RestartCount > written.RestartCount || now.State == "terminated"))
                {
                    ContainerEnded?.Invoke(running.Pod.Key, now);
                }

                Write(pod, running.Pod.PodStatusJson());
                written = now;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _options.TimeProvider, cancellationToken);
        }
    }

    private void Write(KubeletPod pod, JsonObject next) =>
        _emulator.MutateStatus("v1", "pods", pod.Namespace, pod.Name, stored =>
        {
            if ((string?)stored["metadata"]?["uid"] != pod.Uid)
            {
                return;
            }

            var previous = stored["status"] as JsonObject ?? [];
            next["startTime"] = previous["startTime"]?.DeepClone() ?? (string?)next["conditions"]?[0]?["lastTransitionTime"];
            // The pod's generation as status.observedGeneration and on each condition (PodObservedGenerationTracking, GA in 1.35).
            var generation = KubeletPod.Generation(stored);
            KubeletPod.SetObservedGeneration(next, generation);
            foreach (var condition in (next["conditions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (generation > 0)
                {
                    condition.Remove("observedGeneration");
                    condition.Insert(1, "observedGeneration", generation);
                }

                // A condition keeps its lastTransitionTime while its status stays the same (pkg/kubelet/status).
                var before = (previous["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == (string?)condition["type"]);
                if (before is not null && (string?)before["status"] == (string?)condition["status"])
                {
                    condition["lastTransitionTime"] = before["lastTransitionTime"]?.DeepClone();
                }
            }

            stored["status"] = next;
        });

    private sealed class Running(PodmanPod pod, CancellationTokenSource cancel)
    {
        public PodmanPod Pod { get; } = pod;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task Reporting { get; set; } = Task.CompletedTask;
    }
}

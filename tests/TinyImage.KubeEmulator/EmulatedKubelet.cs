using System.Collections.Concurrent;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The default kubelet: every pod it is given starts at once (phase Running, containers running). Whether a pod then
/// becomes Ready is up to the test: <see cref="ReadyAtOnce"/> (what <c>AutoReady</c> sets) makes every pod Ready at once,
/// <see cref="MarkDeploymentReady"/> does it for one Deployment's pods, <see cref="NeverReady"/> keeps matching pods unready
/// (a readiness probe that never passes), <see cref="CrashWhen"/> makes their container exit (CrashLoopBackOff).
/// </summary>
public sealed class EmulatedKubelet : IKubelet
{
    private readonly ConcurrentDictionary<string, KubeletPod> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _deployments = new(StringComparer.Ordinal);
    private volatile Func<KubeletPod, bool> _neverReady = static _ => false;
    private volatile Func<KubeletPod, (int ExitCode, string Reason)?> _crash = static _ => null;
    private volatile bool _readyAtOnce;

    /// <summary>Every started pod becomes Ready at once (unless <see cref="NeverReady"/> or <see cref="CrashWhen"/> say otherwise); setting it also readies the running pods.</summary>
    public bool ReadyAtOnce
    {
        get => _readyAtOnce;
        set
        {
            _readyAtOnce = value;
            if (value)
            {
                foreach (var pod in _running.Values)
                {
                    Settle(pod);
                }
            }
        }
    }

    /// <summary>The pods running on this kubelet.</summary>
    public IReadOnlyList<KubeletPod> Pods => [.. _running.Values];

    /// <summary>Pods matching <paramref name="when"/> never pass their readiness probe.</summary>
    public void NeverReady(Func<KubeletPod, bool> when) => _neverReady = when;

    /// <summary>The container of pods matching <paramref name="when"/> exits with <paramref name="exitCode"/> right after it starts.</summary>
    public void CrashWhen(Func<KubeletPod, bool> when, int exitCode = 1, string reason = "Error") =>
        _crash = pod => when(pod) ? (exitCode, reason) : null;

    /// <summary>The pods of Deployment <paramref name="ns"/>/<paramref name="name"/>, now and later, pass (or, with false, fail) their readiness probe.</summary>
    public void MarkDeploymentReady(string ns, string name, bool ready = true)
    {
        _deployments[ns + "/" + name] = ready;
        foreach (var pod in _running.Values.Where(p => p.Namespace == ns && p.Deployment == name))
        {
            Settle(pod);
        }
    }

    /// <summary>One pod passes (or fails) its readiness probe.</summary>
    public void SetReady(string ns, string podName, bool ready)
    {
        if (_running.TryGetValue(ns + "/" + podName, out var pod))
        {
            pod.ReportReady(ready);
        }
    }

    /// <summary>One pod's container exits now.</summary>
    public void Crash(string ns, string podName, int exitCode = 1, string reason = "Error")
    {
        if (_running.TryGetValue(ns + "/" + podName, out var pod))
        {
            pod.ReportExited(exitCode, reason);
        }
    }

    /// <inheritdoc/>
    public Task StartPodAsync(KubeletPod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        _running[pod.Namespace + "/" + pod.Name] = pod;
        if (_crash(pod) is { } crash)
        {
            pod.ReportRunning();
            pod.ReportExited(crash.ExitCode, crash.Reason);
            return Task.CompletedTask;
        }

        pod.ReportRunning(ready: ShouldBeReady(pod) == true);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopPodAsync(KubeletPod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        _running.TryRemove(pod.Namespace + "/" + pod.Name, out _);
        return Task.CompletedTask;
    }

    private void Settle(KubeletPod pod)
    {
        switch (ShouldBeReady(pod))
        {
            case true:
                pod.ReportReady(true);
                break;
            case false:
                pod.ReportReady(false);
                break;
        }
    }

    /// <summary>True: ready; false: marked unready; null: no say (stays as it is).</summary>
    private bool? ShouldBeReady(KubeletPod pod)
    {
        if (_neverReady(pod) || _crash(pod) is not null)
        {
            return null;
        }

        var marked = pod.Deployment is { } d && _deployments.TryGetValue(pod.Namespace + "/" + d, out var ready) ? ready : (bool?)null;
        return marked ?? (_readyAtOnce ? true : null);
    }
}

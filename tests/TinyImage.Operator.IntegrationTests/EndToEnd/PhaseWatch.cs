using System.Diagnostics;
using TinyImage.KubeEmulator.StandIns;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>The real <c>kubectl get ti NAME -w</c>, recording the phase of every event it prints (consecutive repeats folded).</summary>
internal sealed class PhaseWatch : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _phases = [];
    private readonly Lock _gate = new();

    private PhaseWatch(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            var phase = e.Data?.Trim();
            if (string.IsNullOrEmpty(phase))
            {
                return;
            }

            lock (_gate)
            {
                if (_phases.Count == 0 || _phases[^1] != phase)
                {
                    _phases.Add(phase);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The phases seen so far, in order.</summary>
    public IReadOnlyList<string> Phases
    {
        get
        {
            lock (_gate)
            {
                return [.. _phases];
            }
        }
    }

    public static PhaseWatch Start(string kubectl, string kubeconfig, string ns, string name)
    {
        var psi = Tool.StartInfo(kubectl, ["--kubeconfig", kubeconfig, "get", "ti", name, "-n", ns, "--watch", "-o", "jsonpath={.status.phase}{\"\\n\"}"]);
        return new PhaseWatch(Process.Start(psi) ?? throw new InvalidOperationException("kubectl did not start"));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}

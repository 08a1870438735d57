using System.Diagnostics;
using TinyImage.KubeEmulator.StandIns;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>The real <c>kubectl get ti -w</c> for one TinyImage, recording the phase of every event it prints (consecutive repeats folded).</summary>
internal sealed class PhaseWatch : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _phases = [];
    private readonly List<string> _raw = [];
    private readonly Lock _gate = new();

    private PhaseWatch(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            var line = e.Data?.Trim();
            if (string.IsNullOrEmpty(line))
            {
                return;
            }

            lock (_gate)
            {
                _raw.Add(line);
                var parts = line.Split(' ', 2);
                if (parts.Length < 2 || parts[1].Length == 0)
                {
                    return; // no status yet
                }

                var phase = parts[1];
                if (_phases.Count == 0 || _phases[^1] != phase)
                {
                    _phases.Add(phase);
                }
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                lock (_gate)
                {
                    _raw.Add("stderr: " + line);
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

    /// <summary>Everything kubectl printed, for a failure message.</summary>
    public string Raw
    {
        get
        {
            lock (_gate)
            {
                return string.Join(" | ", _raw);
            }
        }
    }

    public static PhaseWatch Start(string kubectl, string kubeconfig, string ns, string name)
    {
        // A list watch narrowed by a field selector: it may start before the TinyImage exists (a named get would fail).
        var psi = Tool.StartInfo(kubectl, ["--kubeconfig", kubeconfig, "get", "ti", "-n", ns, "--watch", "--field-selector", "metadata.name=" + name,
            "-o", "jsonpath={.metadata.name} {.status.phase}{\"\\n\"}"]);
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

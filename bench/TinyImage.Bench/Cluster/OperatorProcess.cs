using System.Diagnostics;

namespace TinyImage.Bench.Cluster;

/// <summary>The operator's built binary (JIT apphost or NativeAOT) as a process; its console log goes to a file.</summary>
internal sealed class OperatorProcess : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly Lock gate = new();
    private readonly List<string> traceLines = [];

    private OperatorProcess(Process process, StreamWriter log, DateTimeOffset startedAt)
    {
        this.process = process;
        this.log = log;
        StartedAt = startedAt;
    }

    /// <summary>Wall-clock time taken just before the spawn.</summary>
    public DateTimeOffset StartedAt { get; }

    public int Pid => process.Id;

    /// <summary>The <c>startup-trace</c> lines written so far (the operator's TINYIMAGE_STARTUP_TRACE=1).</summary>
    public IReadOnlyList<string> TraceLines
    {
        get
        {
            lock (gate)
            {
                return [.. traceLines];
            }
        }
    }

    public bool HasExited => process.HasExited;

    public static OperatorProcess Start(string binary, IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments, string logFile)
    {
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        var log = new StreamWriter(logFile, append: false);
        var startedAt = DateTimeOffset.UtcNow;
        var process = Process.Start(start) ?? throw new InvalidOperationException("the operator did not start");
        var op = new OperatorProcess(process, log, startedAt);
        process.OutputDataReceived += (_, e) => op.Append(e.Data);
        process.ErrorDataReceived += (_, e) => op.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return op;
    }

    public double CpuSeconds() => ProcStats.CpuSeconds(process.Id);

    public double PeakRssMiB() => ProcStats.PeakRssMiB(process.Id);

    public double RssMiB() => ProcStats.RssMiB(process.Id);

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        process.WaitForExit();
        process.Dispose();
        lock (gate)
        {
            log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            log.WriteLine(line);
            if (line.StartsWith("startup-trace ", StringComparison.Ordinal))
            {
                traceLines.Add(line);
            }
        }
    }
}

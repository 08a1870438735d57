using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TinyImage.Bench.Cluster;

/// <summary>The standalone <c>kube-emulator</c> as its own process (so the operator's memory is the operator's alone).</summary>
internal sealed class EmulatorProcess : IDisposable
{
    private readonly Process process;

    private EmulatorProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => process.Id;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public static async Task<EmulatorProcess> StartAsync(string binary, string kubeconfig, IEnumerable<string> extraArgs, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The emulator is the benchmark's API server, not what is measured: compiled once, fully optimized, it spends about a
        // fifth less CPU in a 1,000-object run than while tiered compilation re-compiles its hot paths (BENCHMARKS.md,
        // "The strict emulator's cost"). Set DOTNET_TieredCompilation in the environment to override.
        if (!start.Environment.ContainsKey("DOTNET_TieredCompilation"))
        {
            start.Environment["DOTNET_TieredCompilation"] = "0";
        }

        // With tiered compilation off the framework's ReadyToRun code is never replaced: CoreLib, System.Text.Json,
        // collections and Kestrel (about a quarter of the emulator's samples) would run as precompiled, without
        // cross-module inlining and through indirection stubs. Off, they are JIT-compiled once, fully optimized, like the
        // emulator's own code: 15-20 % less emulator CPU in a 1,000-object run (BENCHMARKS.md, section 9, ninth round).
        // Set DOTNET_ReadyToRun in the environment to override.
        if (!start.Environment.ContainsKey("DOTNET_ReadyToRun"))
        {
            start.Environment["DOTNET_ReadyToRun"] = "0";
        }

        foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--kubeconfig", kubeconfig }.Concat(extraArgs))
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("kube-emulator did not start");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("kube-emulator: " + e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("listening on", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new EmulatorProcess(process, port);
            }
        }

        throw new InvalidOperationException("kube-emulator exited before listening");
    }

    public double CpuSeconds() => ProcStats.CpuSeconds(process.Id);

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

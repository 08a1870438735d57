using System.Globalization;
using System.Runtime.InteropServices;

namespace TinyImage.KubeEmulator;

/// <summary>
/// <c>kube-emulator [--port N] [--kubeconfig FILE] [--auto-complete-jobs [MESSAGE[,MESSAGE...]]] [--auto-ready-deployments] [--gc-delay MS] [--https] [--in-cluster-dir DIR --service-account NS/NAME]</c>:
/// runs the emulator until Ctrl+C or SIGTERM, for local demos and benchmarks. With several comma-separated messages
/// (digests), Jobs are completed with them in turn, so consecutive builds report different digests. The request log and
/// the Job completions are served under <c>/_emulator/</c> (see <see cref="EmulatorEndpoints"/>).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var port = 0;
        string? kubeconfig = null;
        string? jobMessage = null;
        var readyDeployments = false;
        TimeSpan? gcDelay = null;
        var https = false;
        string? inClusterDir = null;
        string? serviceAccount = null;
        var standIns = new StandIns.StandInHostOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (standIns.TryConsume(args, ref i))
            {
                continue;
            }

            switch (args[i])
            {
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var p):
                    port = p;
                    i++;
                    break;
                case "--kubeconfig" when i + 1 < args.Length:
                    kubeconfig = args[++i];
                    break;
                case "--auto-complete-jobs":
                    jobMessage = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                        ? args[++i]
                        : "sha256:" + new string('0', 64);
                    break;
                case "--auto-ready-deployments":
                    readyDeployments = true;
                    break;
                case "--gc-delay" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms):
                    // Milliseconds between a change and the owner-reference sweep. A sweep copies every object, so with
                    // thousands of objects a benchmark sets this to seconds to keep the emulator's own CPU out of the way.
                    gcDelay = TimeSpan.FromMilliseconds(ms);
                    i++;
                    break;
                case "--https":
                    https = true;
                    break;
                case "--in-cluster-dir" when i + 1 < args.Length:
                    // With --service-account NS/NAME: writes token, ca.crt and namespace as a pod would find them.
                    inClusterDir = args[++i];
                    break;
                case "--service-account" when i + 1 < args.Length && args[i + 1].Split('/') is [{ Length: > 0 }, { Length: > 0 }]:
                    serviceAccount = args[++i];
                    break;
                case "--help" or "-h":
                    Console.WriteLine("usage: kube-emulator [--port N] [--kubeconfig FILE] [--auto-complete-jobs [MESSAGE[,MESSAGE...]]] [--auto-ready-deployments] [--gc-delay MS] [--https] [--in-cluster-dir DIR --service-account NS/NAME] " + StandIns.StandInHostOptions.Usage);
                    return 0;
                default:
                    await Console.Error.WriteLineAsync("kube-emulator: unknown argument " + args[i]);
                    return 2;
            }
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.Cancel();
        });

        if ((inClusterDir is null) != (serviceAccount is null))
        {
            await Console.Error.WriteLineAsync("kube-emulator: --in-cluster-dir and --service-account go together");
            return 2;
        }

        await using var emulator = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { Port = port, Https = https, GarbageCollectionDelay = gcDelay ?? new ApiServerEmulatorOptions().GarbageCollectionDelay }, stop.Token);
        if (jobMessage is not null)
        {
            var messages = jobMessage.Split(',', StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } m ? m : [jobMessage];
            var next = -1;
            emulator.Jobs.Runner = JobRunners.CompleteWith(_ => messages[(int)((uint)Interlocked.Increment(ref next) % (uint)messages.Length)]);
        }

        emulator.Deployments.AutoReady = readyDeployments;
        await using var standInHost = standIns.Directory is null ? null : await StandIns.StandInHost.StartAsync(emulator, standIns, stop.Token);
        if (kubeconfig is not null)
        {
            emulator.WriteKubeconfig(kubeconfig);
        }

        if (inClusterDir is not null && serviceAccount!.Split('/') is [var saNamespace, var saName])
        {
            emulator.CreateNamespace(saNamespace);
            emulator.Create("v1", "serviceaccounts", new System.Text.Json.Nodes.JsonObject
            {
                ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = saName, ["namespace"] = saNamespace },
            });
            var (host, servicePort) = emulator.WriteInClusterDirectory(inClusterDir, saNamespace, saName);
            Console.WriteLine($"in-cluster: KUBERNETES_SERVICE_HOST={host} KUBERNETES_SERVICE_PORT={servicePort} {inClusterDir}");
        }

        Console.WriteLine($"listening on {emulator.BaseAddress.GetLeftPart(UriPartial.Authority)}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: shut down cleanly.
        }

        return 0;
    }
}

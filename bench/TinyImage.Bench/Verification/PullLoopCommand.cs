using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Operator.Verification;

namespace TinyImage.Bench.Verification;

/// <summary>
/// <c>pull-loop --images DIR/images.json --image 2mib|50mib [--iterations N] [--warm]</c>: the cold pull + verify of one
/// bench image, N times in a row (a new verifier each time; with <c>--warm</c> one verifier with its result cache off),
/// printing each call's wall and CPU time. Nothing else runs in the process: the loop to attach a profiler to, e.g.
/// <c>DOTNET_PerfMapEnabled=1 perf record -g -- TinyImage.Bench pull-loop ...</c>.
/// </summary>
internal static class PullLoopCommand
{
    public static async Task<int> RunAsync(Args args, CancellationToken cancellationToken)
    {
        var images = JsonNode.Parse(await File.ReadAllTextAsync(args.Required("--images"), cancellationToken))!.AsObject();
        var image = images["images"]![args.Required("--image")]!.AsObject();
        var iterations = args.Int("--iterations", 50);
        var repository = (string)image["repository"]!;
        var request = new VerificationRequest(repository, (string)image["digest"]!, (string)images["binaryName"]!, VerifyPolicy.Default, null, Insecure: true);
        var options = new ImageVerifierOptions
        {
            CacheCapacity = 0,
            Client = new TinyImage.Oci.RegistryClientOptions { Outbound = TinyImage.Oci.OutboundPolicy.Create([new Uri("http://" + repository.Split('/')[0]).Host]) },
        };
        using var shared = args.Flag("--warm") ? new ImageVerifier(options, TimeProvider.System, NullLogger<ImageVerifier>.Instance) : null;
        for (var i = 0; i < iterations; i++)
        {
            var cpu = Timing.ProcessCpuNs();
            var watch = Stopwatch.StartNew();
            var verifier = shared ?? new ImageVerifier(options, TimeProvider.System, NullLogger<ImageVerifier>.Instance);
            try
            {
                await VerifyCommand.PullAsync(verifier, request, cancellationToken);
            }
            finally
            {
                if (shared is null)
                {
                    verifier.Dispose();
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i} {watch.Elapsed.TotalMilliseconds:0.00} ms, CPU {(Timing.ProcessCpuNs() - cpu) / 1e6:0.00} ms"));
        }

        return 0;
    }
}

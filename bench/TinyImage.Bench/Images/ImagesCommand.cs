using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Oci;

namespace TinyImage.Bench.Images;

/// <summary>
/// <c>images --registry HOST --fixture BINARY --work DIR</c>: makes the 2 MiB and 50 MiB padded binaries, pushes four
/// images to the (plain HTTP) registry with the operator's registry client and writes <c>DIR/images.json</c>:
/// <c>bench/hello:a</c> and <c>:b</c> (the fixture as is, two digests so consecutive builds can alternate),
/// <c>bench/verify:2mib</c> and <c>bench/verify:50mib</c>. Each image holds <c>/bin/hello</c>.
/// </summary>
internal static class ImagesCommand
{
    public const string BinaryName = "hello";

    public static async Task<int> RunAsync(Args args, CancellationToken cancellationToken)
    {
        var registry = args.Required("--registry");
        var fixture = args.Required("--fixture");
        var work = args.Required("--work");
        Directory.CreateDirectory(work);
        var small = PaddedBinary.Create(fixture, 2L * 1024 * 1024, Path.Combine(work, "hello-2mib"));
        var large = PaddedBinary.Create(fixture, 50L * 1024 * 1024, Path.Combine(work, "hello-50mib"));

        // The bench registry is local (loopback): allow exactly its host, as an admin would with --registry-allow.
        var options = new RegistryClientOptions { Insecure = true, Outbound = OutboundPolicy.Create([new Uri("http://" + registry).Host]) };
        using var client = new RegistryClient(RegistryHttpHandlers.Create(null, insecure: true, TimeSpan.FromSeconds(30), options.Outbound), true, options, TimeProvider.System, NullLogger.Instance);
        var result = new JsonObject { ["registry"] = registry, ["binaryName"] = BinaryName };
        var images = new JsonObject();
        foreach (var (key, repo, tag, path, label) in new[]
        {
            ("a", "bench/hello", "a", fixture, "a"),
            ("b", "bench/hello", "b", fixture, "b"),
            ("2mib", "bench/verify", "2mib", small, "2mib"),
            ("50mib", "bench/verify", "50mib", large, "50mib"),
        })
        {
            var image = BenchImage.Build(BinaryName, await File.ReadAllBytesAsync(path, cancellationToken), label);
            var digest = await image.PushAsync(client, ImageReference.Parse($"{registry}/{repo}"), tag, cancellationToken);
            images[key] = new JsonObject
            {
                ["repository"] = $"{registry}/{repo}",
                ["digest"] = digest,
                ["binary"] = Path.GetFullPath(path),
                ["binaryBytes"] = new FileInfo(path).Length,
                ["layerBytes"] = image.Layer.Length,
                ["layerDigest"] = image.LayerDigest,
                ["configBytes"] = image.Config.Length,
                ["manifestBytes"] = image.Manifest.Length,
                ["totalBytes"] = image.TotalBytes,
            };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pushed {registry}/{repo}:{tag}@{digest} ({image.TotalBytes} bytes)"));
        }

        result["images"] = images;
        await File.WriteAllTextAsync(Path.Combine(work, "images.json"), result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        return 0;
    }
}

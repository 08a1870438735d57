using Xunit;
using System.Text;
using TinyImage.Oci;
using TinyImage.Oci.Layers;
using TinyImage.Oci.Tests;
using static TinyImage.Oci.Tests.TestImageBuilder;
using BclTar = System.Formats.Tar;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>Against a real docker-registry over plain HTTP: push, pull by digest, layer reading, refusals, tampering.</summary>
public sealed class PlainRegistryTests(PlainRegistryFixture registry) : IClassFixture<PlainRegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private async Task<(ImageReference Pinned, TestImage Image)> PushAsync(RegistryClient client, TestImage image, string repository = "team/app", string tag = "v1")
    {
        var digest = await image.PushAsync(client, registry.Ref(repository), tag, Ct);
        return (registry.Ref($"{repository}@{digest}"), image);
    }

    [Fact]
    public async Task Pushed_Image_Is_Pulled_By_Digest_And_Its_Binary_Extracted()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var binary = Bytes(300_000, 1);
        var image = Image([GzipLayer(Dir("bin/"), File("bin/hello", binary), Dir("etc/"), File("etc/motd", "hi"))]);
        var (pinned, _) = await PushAsync(client, image, "team/hello");

        await using var inspection = await new ImageInspector(client, LayerLimits.Default).InspectAsync(pinned, "hello", null, Ct);

        Assert.Equal(image.Digest, inspection.Manifest.Digest);
        Assert.Equal("/bin/hello", inspection.BinaryPath);
        Assert.Equal(binary, await ReadAllAsync(inspection.Binary));
        Assert.Equal(["/bin", "/bin/hello", "/etc", "/etc/motd"], inspection.Files.Select(f => f.Path));
        Assert.Equal(image.CompressedSize, inspection.CompressedSize);
        Assert.Equal(1, inspection.LayerCount);
    }

    [Fact]
    public async Task Tag_Resolves_To_The_Pushed_Digest()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var image = BinaryImage("app", Bytes(100, 2));
        await PushAsync(client, image, "team/tagged", "release");

        var resolved = await client.GetManifestAsync(registry.Ref("team/tagged:release"), Ct);
        Assert.Equal(image.Digest, resolved.Digest);
    }

    [Fact]
    public async Task Docker_V2_Manifest_And_Zstd_And_Plain_Tar_Layers_Are_Read()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var binary = Bytes(5000, 3);
        var plain = new TestBlob(Tar([Dir("bin/"), File("bin/other", "x")]), OciMediaTypes.OciLayer);
        using var zstd = new ZstdSharp.Compressor();
        var zstdLayer = new TestBlob(zstd.Wrap(Tar([File("bin/app", binary)])).ToArray(), OciMediaTypes.OciLayerZstd);
        var ociImage = Image([plain, zstdLayer]);
        var dockerImage = Image([GzipLayer(File("bin/app", binary))], docker: true);

        foreach (var image in new[] { ociImage, dockerImage })
        {
            var (pinned, _) = await PushAsync(client, image, "team/formats", image.ManifestMediaType == OciMediaTypes.DockerManifest ? "docker" : "oci");
            await using var inspection = await new ImageInspector(client, LayerLimits.Default).InspectAsync(pinned, "app", null, Ct);
            Assert.Equal(binary, await ReadAllAsync(inspection.Binary));
            Assert.Equal(image.ManifestMediaType, inspection.Manifest.MediaType);
        }
    }

    [Fact]
    public async Task Index_Pushed_To_The_Registry_Resolves_To_Linux_Amd64()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var amd = BinaryImage("app", Bytes(64, 4));
        var arm = BinaryImage("app", Bytes(64, 5));
        await PushAsync(client, amd, "team/multi", "amd64");
        await PushAsync(client, arm, "team/multi", "arm64");
        var index = Index((arm, "linux", "arm64"), (amd, "linux", "amd64"));
        await client.PushManifestAsync(registry.Ref("team/multi"), "latest", index, OciMediaTypes.OciIndex, Ct);

        var resolved = await client.GetManifestAsync(registry.Ref("team/multi:latest"), Ct);
        Assert.Equal(amd.Digest, resolved.Digest);
        Assert.Equal(Digests.Compute(index), resolved.IndexDigest);
    }

    [Fact]
    public async Task Binary_Symlink_Within_The_Image_Is_Followed_Across_Layers()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var binary = Bytes(1000, 6);
        var image = Image([GzipLayer(File("usr/local/bin/real-app", binary)), GzipLayer(Symlink("bin/app", "../usr/local/bin/real-app"))]);
        var (pinned, _) = await PushAsync(client, image, "team/linked");

        await using var inspection = await new ImageInspector(client, LayerLimits.Default).InspectAsync(pinned, "app", null, Ct);
        Assert.Equal("/usr/local/bin/real-app", inspection.BinaryPath);
        Assert.Equal(binary, await ReadAllAsync(inspection.Binary));
        Assert.Equal(2, inspection.LayerCount);
    }

    public static TheoryData<string, string> MalformedImages => new()
    {
        { "traversal", nameof(LayerErrorKind.PathTraversal) },
        { "symlink-escape", nameof(LayerErrorKind.LinkEscapesRoot) },
        { "whiteout", nameof(LayerErrorKind.BinaryNotFound) },
        { "opaque-whiteout", nameof(LayerErrorKind.BinaryNotFound) },
        { "oversize", nameof(LayerErrorKind.TooLarge) },
        { "missing", nameof(LayerErrorKind.BinaryNotFound) },
        { "not-a-tar", nameof(LayerErrorKind.Malformed) },
    };

    [Theory]
    [MemberData(nameof(MalformedImages))]
    public async Task Malformed_Layers_Are_Refused_With_A_Named_Error(string name, string expected)
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var image = name switch
        {
            "traversal" => Image([GzipLayer(File("bin/app", "ok"), File("../../etc/cron.d/evil", "x"))]),
            "symlink-escape" => Image([GzipLayer(Symlink("bin/app", "../../../../host/bin/app"))]),
            "whiteout" => Image([GzipLayer(File("bin/app", "ok")), GzipLayer(File("bin/.wh.app", string.Empty))]),
            "opaque-whiteout" => Image([GzipLayer(File("bin/app", "ok")), GzipLayer(Dir("bin/"), File("bin/.wh..wh..opq", string.Empty))]),
            "oversize" => Image([GzipLayer(File("bin/app", new byte[70_000]))]),
            "missing" => Image([GzipLayer(File("bin/other", "ok"))]),
            "not-a-tar" => Image([new TestBlob(Gzip(Bytes(2048, 7)), OciMediaTypes.OciLayerGzip)]),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var (pinned, _) = await PushAsync(client, image, "team/malformed", name);

        var e = await Assert.ThrowsAsync<ImageLayerException>(() =>
            new ImageInspector(client, new LayerLimits { MaxEntryBytes = 64 * 1024 }).InspectAsync(pinned, "app", null, Ct));
        Assert.Equal(expected, e.Kind.ToString());
    }

    [Fact]
    public async Task Unknown_Digest_Is_Not_Found()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var image = BinaryImage("app", Bytes(10, 8));
        await PushAsync(client, image, "team/known");
        var unknown = "sha256:" + new string('0', 64);

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(registry.Ref("team/known@" + unknown), Ct));
        Assert.Equal(RegistryErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task Plain_Http_Registry_Without_Insecure_Is_Unavailable()
    {
        registry.SkipIfUnavailable();
        using var strict = new RegistryClient(
            RegistryHttpHandlers.Create(null, insecure: false, TimeSpan.FromSeconds(5), LoopbackAllowed.Policy),
            true,
            new RegistryClientOptions { MaxRetries = 0, Outbound = LoopbackAllowed.Policy },
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var e = await Assert.ThrowsAsync<RegistryException>(() => strict.GetManifestAsync(registry.Ref("team/app:v1"), Ct));
        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
    }

    [Fact]
    public async Task Registry_Serving_A_Tampered_Blob_Fails_With_Digest_Mismatch()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var image = BinaryImage("app", Bytes(50_000, 9));
        var (pinned, _) = await PushAsync(client, image, "team/tampered");
        await using var proxy = await TamperingProxy.StartAsync(new Uri($"http://{registry.Host}"));
        var viaProxy = ImageReference.Parse($"{proxy.Host}/{pinned.Repository}@{pinned.Digest}");

        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            new ImageInspector(client, LayerLimits.Default).InspectAsync(viaProxy, "app", null, Ct));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
    }

    [Fact]
    public async Task Registry_Serving_A_Tampered_Manifest_Fails_With_Digest_Mismatch()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var image = BinaryImage("app", Bytes(100, 10));
        var (pinned, _) = await PushAsync(client, image, "team/tampered-manifest");
        await using var proxy = await TamperingProxy.StartAsync(new Uri($"http://{registry.Host}"));
        proxy.TamperManifests = true;
        var viaProxy = ImageReference.Parse($"{proxy.Host}/{pinned.Repository}@{pinned.Digest}");

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(viaProxy, Ct));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }
}

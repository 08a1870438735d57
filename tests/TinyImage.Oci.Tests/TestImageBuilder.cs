using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using TinyImage.Oci;

namespace TinyImage.Oci.Tests;

/// <summary>One blob of a test image: bytes, digest, media type.</summary>
internal sealed record TestBlob(byte[] Bytes, string MediaType)
{
    public string Digest { get; } = Digests.Compute(Bytes);

    public OciDescriptor Descriptor => new(MediaType, Digest, Bytes.Length);
}

/// <summary>A small OCI image built in memory: layers, config, manifest.</summary>
internal sealed record TestImage(IReadOnlyList<TestBlob> Layers, TestBlob Config, byte[] Manifest, string ManifestMediaType)
{
    public string Digest => Digests.Compute(Manifest);

    public long CompressedSize => Config.Bytes.Length + Layers.Sum(l => (long)l.Bytes.Length);

    /// <summary>Pushes every blob and the manifest under <paramref name="tag"/>; returns the manifest digest.</summary>
    public async Task<string> PushAsync(RegistryClient client, ImageReference repository, string tag, CancellationToken cancellationToken)
    {
        foreach (var blob in Layers.Append(Config).DistinctBy(b => b.Digest))
        {
            using var content = new MemoryStream(blob.Bytes, writable: false);
            await client.PushBlobAsync(repository, content, blob.Digest, cancellationToken);
        }

        return await client.PushManifestAsync(repository, tag, Manifest, ManifestMediaType, cancellationToken);
    }
}

/// <summary>Builds tar layers and images for tests (System.Formats.Tar writes the entries; names are not sanitised, on purpose).</summary>
internal static class TestImageBuilder
{
    public const string ConfigJson = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""";

    /// <summary>A tar entry to write.</summary>
    internal sealed record Entry(string Name, TarEntryType Type, byte[]? Data = null, string? Link = null);

    public static Entry File(string name, byte[] data) => new(name, TarEntryType.RegularFile, data);

    public static Entry File(string name, string text) => new(name, TarEntryType.RegularFile, Encoding.UTF8.GetBytes(text));

    public static Entry Dir(string name) => new(name, TarEntryType.Directory);

    public static Entry Symlink(string name, string target) => new(name, TarEntryType.SymbolicLink, Link: target);

    public static Entry Hardlink(string name, string target) => new(name, TarEntryType.HardLink, Link: target);

    /// <summary>An uncompressed tar (PAX format unless <paramref name="format"/> says otherwise).</summary>
    public static byte[] Tar(IEnumerable<Entry> entries, TarEntryFormat format = TarEntryFormat.Pax)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, format, leaveOpen: true))
        {
            foreach (var e in entries)
            {
                TarEntry entry = format switch
                {
                    TarEntryFormat.Gnu => new GnuTarEntry(e.Type, e.Name),
                    TarEntryFormat.Ustar => new UstarTarEntry(e.Type, e.Name),
                    _ => new PaxTarEntry(e.Type, e.Name),
                };
                entry.Mode = (UnixFileMode)0x1ed; // 0755
                if (e.Link is not null)
                {
                    entry.LinkName = e.Link;
                }

                if (e.Data is not null)
                {
                    entry.DataStream = new MemoryStream(e.Data);
                }

                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    public static TestBlob GzipLayer(params Entry[] entries) => new(Gzip(Tar(entries)), OciMediaTypes.OciLayerGzip);

    /// <summary>An image whose layers are the given blobs, with an OCI (or Docker v2) manifest.</summary>
    public static TestImage Image(IEnumerable<TestBlob> layers, bool docker = false)
    {
        var layerList = layers.ToList();
        var config = new TestBlob(Encoding.UTF8.GetBytes(ConfigJson), docker ? OciMediaTypes.DockerConfig : OciMediaTypes.OciConfig);
        var manifestType = docker ? OciMediaTypes.DockerManifest : OciMediaTypes.OciManifest;
        var layerJson = string.Join(",", layerList.Select(l => Descriptor(docker && l.MediaType == OciMediaTypes.OciLayerGzip ? OciMediaTypes.DockerLayerGzip : l.MediaType, l.Digest, l.Bytes.Length)));
        var manifest = $$"""{"schemaVersion":2,"mediaType":"{{manifestType}}","config":{{Descriptor(config.MediaType, config.Digest, config.Bytes.Length)}},"layers":[{{layerJson}}]}""";
        return new TestImage(layerList, config, Encoding.UTF8.GetBytes(manifest), manifestType);
    }

    /// <summary>A single-layer image holding <c>/bin/NAME</c> with the given bytes.</summary>
    public static TestImage BinaryImage(string name, byte[] binary) =>
        Image([GzipLayer(Dir("bin/"), File("bin/" + name, binary))]);

    /// <summary>An index pointing at <paramref name="manifests"/> with their platforms.</summary>
    public static byte[] Index(params (TestImage Image, string Os, string Arch)[] manifests)
    {
        var entries = string.Join(",", manifests.Select(m =>
            $$$"""{"mediaType":"{{{m.Image.ManifestMediaType}}}","digest":"{{{m.Image.Digest}}}","size":{{{m.Image.Manifest.Length}}},"platform":{"os":"{{{m.Os}}}","architecture":"{{{m.Arch}}}"}}"""));
        return Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{OciMediaTypes.OciIndex}}","manifests":[{{entries}}]}""");
    }

    private static string Descriptor(string mediaType, string digest, long size) =>
        $$"""{"mediaType":"{{mediaType}}","digest":"{{digest}}","size":{{size}}}""";
}

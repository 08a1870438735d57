using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using TinyImage.Oci;

namespace TinyImage.Bench.Images;

/// <summary>
/// A one-layer image as the operator's recipe produces it (<c>FROM scratch</c>, <c>/bin/NAME</c>): a gzip tar layer,
/// an OCI config and an OCI manifest, built in memory and pushed with the operator's own <see cref="RegistryClient"/>.
/// </summary>
internal sealed record BenchImage(byte[] Layer, byte[] Config, byte[] Manifest)
{
    public string LayerDigest => Digests.Compute(Layer);

    public string Digest => Digests.Compute(Manifest);

    /// <summary>Layer + config + manifest bytes, as they sit in the registry.</summary>
    public long TotalBytes => Layer.Length + Config.Length + Manifest.Length;

    /// <param name="binaryName">The file name under /bin.</param>
    /// <param name="binary">The binary's bytes.</param>
    /// <param name="label">A config label, so otherwise identical images get different digests.</param>
    public static BenchImage Build(string binaryName, byte[] binary, string label)
    {
        var tar = Tar(binaryName, binary);
        var diffId = Digests.Compute(tar);
        var layer = Gzip(tar);
        var config = Encoding.UTF8.GetBytes(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/bin/" + binaryName + "\"],\"User\":\"65532:65532\",\"ExposedPorts\":{\"3000/tcp\":{}},"
            + "\"Labels\":{\"dev.tinyimage.bench\":\"" + label + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}");
        var manifest = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"" + OciMediaTypes.OciManifest + "\",\"config\":{\"mediaType\":\"" + OciMediaTypes.OciConfig
            + "\",\"digest\":\"" + Digests.Compute(config) + "\",\"size\":" + config.Length + "},\"layers\":[{\"mediaType\":\"" + OciMediaTypes.OciLayerGzip
            + "\",\"digest\":\"" + Digests.Compute(layer) + "\",\"size\":" + layer.Length + "}]}");
        return new BenchImage(layer, config, manifest);
    }

    public async Task<string> PushAsync(RegistryClient client, ImageReference repository, string tag, CancellationToken cancellationToken)
    {
        foreach (var (bytes, digest) in new[] { (Layer, Digests.Compute(Layer)), (Config, Digests.Compute(Config)) })
        {
            using var content = new MemoryStream(bytes, writable: false);
            await client.PushBlobAsync(repository, content, digest, cancellationToken);
        }

        return await client.PushManifestAsync(repository, tag, Manifest, OciMediaTypes.OciManifest, cancellationToken);
    }

    private static byte[] Tar(string binaryName, byte[] binary)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = (UnixFileMode)0x1ed, ModificationTime = DateTimeOffset.UnixEpoch });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/" + binaryName)
            {
                Mode = (UnixFileMode)0x1ed,
                ModificationTime = DateTimeOffset.UnixEpoch,
                DataStream = new MemoryStream(binary, writable: false),
            });
        }

        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }
}

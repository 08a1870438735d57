using System.Security.Cryptography;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>An image as the registry stores it: gzip layers, a config, a Docker v2 schema 2 manifest (what Kaniko pushes).</summary>
/// <param name="Layers">The gzip-compressed layer tars, bottom first.</param>
/// <param name="DiffIds">sha256 of each uncompressed layer tar.</param>
/// <param name="Config">The image config JSON.</param>
/// <param name="Manifest">The manifest JSON; its sha256 is the image digest.</param>
public sealed record OciImage(IReadOnlyList<byte[]> Layers, IReadOnlyList<string> DiffIds, byte[] Config, byte[] Manifest)
{
    public const string ManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";
    public const string ConfigMediaType = "application/vnd.docker.container.image.v1+json";
    public const string LayerMediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>The manifest digest, <c>sha256:...</c>.</summary>
    public string Digest => DigestOf(Manifest);

    /// <summary>Compressed layer plus config plus manifest, in bytes: what a pull transfers.</summary>
    public long TotalBytes => LayerBytes + Config.LongLength + Manifest.LongLength;

    /// <summary>Compressed size of all layers.</summary>
    public long LayerBytes => Layers.Sum(l => l.LongLength);

    /// <summary><c>sha256:</c> and the lowercase hex digest of <paramref name="bytes"/>.</summary>
    public static string DigestOf(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// Writes the image in the layout of skopeo's <c>dir:</c> transport (manifest.json, one file per blob named by its
    /// hex digest, a version file), which skopeo pushes byte for byte: the pushed digest is <see cref="Digest"/>.
    /// </summary>
    public void WriteDirLayout(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "manifest.json"), Manifest);
        foreach (var layer in Layers)
        {
            File.WriteAllBytes(Path.Combine(directory, DigestOf(layer)[7..]), layer);
        }

        File.WriteAllBytes(Path.Combine(directory, DigestOf(Config)[7..]), Config);
        File.WriteAllText(Path.Combine(directory, "version"), "Directory Transport Version: 1.1\n");
    }
}

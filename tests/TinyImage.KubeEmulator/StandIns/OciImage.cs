using System.Security.Cryptography;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>An image as the registry stores it: one gzip layer, a config, a Docker v2 schema 2 manifest (what Kaniko pushes).</summary>
/// <param name="Layer">The gzip-compressed layer tar.</param>
/// <param name="DiffId">sha256 of the uncompressed layer tar.</param>
/// <param name="Config">The image config JSON.</param>
/// <param name="Manifest">The manifest JSON; its sha256 is the image digest.</param>
public sealed record OciImage(byte[] Layer, string DiffId, byte[] Config, byte[] Manifest)
{
    public const string ManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";
    public const string ConfigMediaType = "application/vnd.docker.container.image.v1+json";
    public const string LayerMediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>The manifest digest, <c>sha256:...</c>.</summary>
    public string Digest => DigestOf(Manifest);

    /// <summary>Compressed layer plus config plus manifest, in bytes: what a pull transfers.</summary>
    public long TotalBytes => Layer.LongLength + Config.LongLength + Manifest.LongLength;

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
        File.WriteAllBytes(Path.Combine(directory, DigestOf(Layer)[7..]), Layer);
        File.WriteAllBytes(Path.Combine(directory, DigestOf(Config)[7..]), Config);
        File.WriteAllText(Path.Combine(directory, "version"), "Directory Transport Version: 1.1\n");
    }
}

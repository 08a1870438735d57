namespace TinyImage.KubeEmulator.StandIns;

/// <summary>One image the Kaniko stand-in built and pushed.</summary>
/// <param name="Namespace">The Job's namespace.</param>
/// <param name="JobName">The Job.</param>
/// <param name="TinyImage">The Job's <c>tinyimage.dev/name</c> label, if any.</param>
/// <param name="Destinations">Where it was pushed.</param>
/// <param name="Digest">The manifest digest (what went to the termination message).</param>
/// <param name="BinaryFile">The prebuilt binary that stood in for the cargo build.</param>
/// <param name="LayerBytes">Compressed size of all layers.</param>
/// <param name="ConfigBytes">Config size.</param>
/// <param name="ManifestBytes">Manifest size.</param>
public sealed record KanikoBuildRecord(
    string Namespace,
    string JobName,
    string? TinyImage,
    IReadOnlyList<string> Destinations,
    string Digest,
    string BinaryFile,
    long LayerBytes,
    long ConfigBytes,
    long ManifestBytes)
{
    /// <summary>Layer plus config plus manifest.</summary>
    public long TotalBytes => LayerBytes + ConfigBytes + ManifestBytes;
}

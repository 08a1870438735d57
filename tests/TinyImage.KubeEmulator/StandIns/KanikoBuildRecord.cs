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
    /// <summary>The RUN steps of the build stages as Kaniko's layer cache saw them (empty without <c>--cache</c>).</summary>
    public IReadOnlyList<KanikoCacheStep> CacheSteps { get; init; } = [];

    /// <summary>The cache images pushed for the steps that missed, as <c>REPOSITORY:KEY</c>.</summary>
    public IReadOnlyList<string> CacheImages { get; init; } = [];

    /// <summary>The Secrets mounted into the Kaniko container (other than the push credentials), by mount path.</summary>
    public IReadOnlyDictionary<string, string> MountedSecrets { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Layer plus config plus manifest.</summary>
    public long TotalBytes => LayerBytes + ConfigBytes + ManifestBytes;
}

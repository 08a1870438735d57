namespace TinyImage.Oci;

/// <summary>A manifest whose bytes were checked against its digest, parsed and validated.</summary>
/// <param name="Image">The reference, pinned to <paramref name="Digest"/>.</param>
/// <param name="Digest">The digest of the image manifest itself (for an index: of the platform's manifest).</param>
/// <param name="MediaType">The manifest's media type (OCI or Docker v2).</param>
/// <param name="Manifest">The parsed manifest.</param>
/// <param name="IndexDigest">The digest of the index or manifest list it was chosen from, or null.</param>
public sealed record ResolvedManifest(ImageReference Image, string Digest, string MediaType, OciManifest Manifest, string? IndexDigest)
{
    /// <summary>The config descriptor (validated non-null).</summary>
    public OciDescriptor Config => Manifest.Config!;

    /// <summary>The layer descriptors (validated non-null), base layer first.</summary>
    public IReadOnlyList<OciDescriptor> Layers => Manifest.Layers!;

    /// <summary>Total compressed size: every layer plus the config (saturating at <see cref="long.MaxValue"/>: sizes are the registry's to write).</summary>
    public long CompressedSize => Layers.Aggregate(Config.Size, static (total, l) => l.Size > long.MaxValue - total ? long.MaxValue : total + l.Size);
}

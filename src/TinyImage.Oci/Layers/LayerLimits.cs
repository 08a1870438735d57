namespace TinyImage.Oci.Layers;

/// <summary>Caps applied while reading layers. Every cap, when exceeded, is a <see cref="LayerErrorKind.TooLarge"/>.</summary>
public sealed record LayerLimits
{
    /// <summary>Largest single entry (file data).</summary>
    public long MaxEntryBytes { get; init; } = 512 * RegistryClientOptions.MiB;

    /// <summary>Largest uncompressed layer (stops decompression bombs).</summary>
    public long MaxUncompressedLayerBytes { get; init; } = 4096 * RegistryClientOptions.MiB;

    /// <summary>Largest PAX extended header or GNU long name/link record.</summary>
    public int MaxMetadataBytes { get; init; } = 1024 * 1024;

    /// <summary>Longest path or link target in characters.</summary>
    public int MaxPathLength { get; init; } = 4096;

    /// <summary>Most entries over all layers of one image.</summary>
    public int MaxEntries { get; init; } = 200_000;

    public static LayerLimits Default { get; } = new();
}

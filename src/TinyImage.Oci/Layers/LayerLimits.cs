namespace TinyImage.Oci.Layers;

/// <summary>
/// Caps applied while reading an image's layers, per layer and per image, so a hostile image costs bounded memory, disk
/// and time. Every cap, when exceeded, is a <see cref="LayerErrorKind.TooLarge"/>. The per-image caps on layers and
/// compressed bytes are checked from the manifest before anything is downloaded; entries, name bytes and uncompressed
/// bytes are counted while the layers are read, so an image is refused as soon as it crosses one (never after holding it).
/// </summary>
public sealed record LayerLimits
{
    /// <summary>Largest single entry (file data).</summary>
    public long MaxEntryBytes { get; init; } = 512 * RegistryClientOptions.MiB;

    /// <summary>Largest uncompressed layer (stops decompression bombs).</summary>
    public long MaxUncompressedLayerBytes { get; init; } = 4096 * RegistryClientOptions.MiB;

    /// <summary>Largest PAX extended header or GNU long name/link record.</summary>
    public int MaxMetadataBytes { get; init; } = 256 * 1024;

    /// <summary>Longest path or link target in characters.</summary>
    public int MaxPathLength { get; init; } = 4096;

    /// <summary>Most entries over all layers of one image.</summary>
    public int MaxEntries { get; init; } = 50_000;

    /// <summary>Most layers of one image (Docker's overlay storage stops at 128), checked from the manifest.</summary>
    public int MaxLayers { get; init; } = 128;

    /// <summary>Largest image: config plus layers as the manifest declares them (compressed), checked before any download.</summary>
    public long MaxCompressedImageBytes { get; init; } = 2048 * RegistryClientOptions.MiB;

    /// <summary>Largest image uncompressed: the sum over its layers, counted while they are read.</summary>
    public long MaxUncompressedImageBytes { get; init; } = 4096 * RegistryClientOptions.MiB;

    /// <summary>
    /// Most bytes (UTF-8) of entry names and link targets over all layers of one image: the file list is the one thing a
    /// reader keeps of a layer, so this bounds its memory (a PAX flood of long names is refused after this many bytes).
    /// </summary>
    public long MaxTotalNameBytes { get; init; } = 4 * RegistryClientOptions.MiB;

    /// <summary>
    /// Largest zstd window a layer may make the decoder allocate, as a power of two (23: 8 MiB, what <c>zstd -19</c> uses);
    /// a frame asking for more (<c>--long</c>, or a crafted header) is refused instead of allocating it.
    /// </summary>
    public int MaxZstdWindowLog { get; init; } = 23;

    /// <summary>
    /// The most bytes of extracted binaries an inspector holds in memory at once (shared by the operator's concurrent
    /// verifications); a binary that does not fit is written to the scratch volume instead. A binary under 8 MiB is
    /// charged the size of the pooled array it is read into (<see cref="BinaryBuffer"/>: the next power of two).
    /// </summary>
    public long MaxBinaryBytesInMemory { get; init; } = 64 * RegistryClientOptions.MiB;

    public static LayerLimits Default { get; } = new();
}

namespace TinyImage.Oci.Layers;

/// <summary>
/// What an image holds, read from verified layers: the manifest, the final file list, sizes, and the binary extracted in
/// memory or to a private scratch file (released when this is disposed). Everything here was derived from bytes whose digests matched.
/// </summary>
public sealed class ImageInspection : IAsyncDisposable, IDisposable
{
    public ImageInspection(ResolvedManifest manifest, IReadOnlyList<ImageFile> files, string requestedPath, string binaryPath, Stream binary)
    {
        Manifest = manifest;
        RequestedPath = requestedPath;
        Files = files;
        BinaryPath = binaryPath;
        Binary = binary;
    }

    /// <summary>The verified manifest (pinned by digest).</summary>
    public ResolvedManifest Manifest { get; }

    /// <summary>Every path of the final filesystem, sorted (for the <c>scratchOnly</c> check).</summary>
    public IReadOnlyList<ImageFile> Files { get; }

    /// <summary>The path asked for, <c>/bin/NAME</c> (may be a symlink).</summary>
    public string RequestedPath { get; }

    /// <summary>Where the binary was found after resolving symlinks, e.g. <c>/bin/hello</c>.</summary>
    public string BinaryPath { get; }

    /// <summary>The binary: a seekable read-only stream, in memory or over a scratch file deleted on dispose.</summary>
    public Stream Binary { get; }

    /// <summary>Total compressed size: layers plus config, from the manifest.</summary>
    public long CompressedSize => Manifest.CompressedSize;

    /// <summary>Every non-directory path except the binary (and the <c>/bin/NAME</c> symlink leading to it): for <c>scratchOnly</c>.</summary>
    public IReadOnlyList<string> OtherFiles =>
        Files.Where(f => f.Type != TarEntryType.Directory && f.Path != BinaryPath && f.Path != RequestedPath).Select(f => f.Path).ToList();

    /// <summary>Number of layers.</summary>
    public int LayerCount => Manifest.Layers.Count;

    public void Dispose() => Binary.Dispose();

    public ValueTask DisposeAsync() => Binary.DisposeAsync();
}

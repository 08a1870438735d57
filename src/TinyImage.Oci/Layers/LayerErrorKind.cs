namespace TinyImage.Oci.Layers;

/// <summary>Why an image's layers were refused, or why the binary could not be taken from them.</summary>
public enum LayerErrorKind
{
    /// <summary>Not a tar stream we accept: bad checksum, truncated, unsupported entry type, bad PAX record.</summary>
    Malformed,

    /// <summary>An entry name or hardlink target uses <c>..</c> to leave the image root.</summary>
    PathTraversal,

    /// <summary>A symlink (or the binary's symlink chain) points outside the image root, or loops.</summary>
    LinkEscapesRoot,

    /// <summary>An entry, a layer's uncompressed size, metadata or the entry count exceeds a cap.</summary>
    TooLarge,

    /// <summary><c>/bin/&lt;binary&gt;</c> is absent in the final filesystem (never added, or removed by a whiteout).</summary>
    BinaryNotFound,

    /// <summary><c>/bin/&lt;binary&gt;</c> exists but is not a regular file (a directory, device or FIFO).</summary>
    BinaryNotRegularFile,
}

namespace TinyImage.Oci.Layers;

/// <summary>The kind of a tar entry, reduced to what matters for an image filesystem.</summary>
public enum TarEntryType
{
    File,
    Directory,
    Symlink,
    Hardlink,

    /// <summary>Character or block device, FIFO.</summary>
    Special,
}

/// <summary>One entry of a tar stream, after PAX and GNU long-name records were applied.</summary>
/// <param name="Name">The name as stored (not yet normalised).</param>
/// <param name="Type">The entry kind.</param>
/// <param name="Size">Data size in bytes (0 for everything but files).</param>
/// <param name="LinkTarget">The symlink or hardlink target, else null.</param>
/// <param name="Ordinal">Position of the entry in its layer (0-based, counting only real entries).</param>
public sealed record TarEntry(string Name, TarEntryType Type, long Size, string? LinkTarget, int Ordinal);

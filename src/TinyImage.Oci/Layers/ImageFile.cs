namespace TinyImage.Oci.Layers;

/// <summary>One path of an image's final filesystem.</summary>
/// <param name="Path">Absolute path inside the image, e.g. <c>/bin/hello</c>.</param>
/// <param name="Type">File, directory, symlink or special (hardlinks appear as the file they link to).</param>
/// <param name="Size">Bytes of a file, else 0.</param>
/// <param name="LinkTarget">A symlink's target as written, else null.</param>
public sealed record ImageFile(string Path, TarEntryType Type, long Size, string? LinkTarget);

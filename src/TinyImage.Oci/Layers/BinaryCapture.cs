namespace TinyImage.Oci.Layers;

/// <summary>
/// Keeps, during the one pass over an image's layers, the data of the file entries that may turn out to be the binary, so
/// it need not be read twice: <c>bin/NAME</c> and where <c>/bin/NAME</c> leads through the symlinks of the layers below
/// (with no name: the files directly in <c>bin</c> or where <c>/bin</c> leads, at most <see cref="MaxUnnamedCandidates"/>).
/// A later entry with the same path replaces an earlier capture (a later layer overriding the file). Which entry is the
/// binary is known only once every layer is applied (whiteouts and overrides included): <see cref="Take"/> hands that one
/// out. An entry this rule did not foresee (the data of a hardlink, a symlink made in the same layer as its target) is not
/// here, and the inspector reads it again from its layer.
/// </summary>
internal sealed class BinaryCapture(string? binaryName, MemoryBudget memory, ScratchSpace scratch, long maxBytes) : IDisposable
{
    /// <summary>With no binary name, the most files of <c>/bin</c> held at once (an image with more has no sole binary anyway).</summary>
    public const int MaxUnnamedCandidates = 4;

    private readonly Dictionary<string, CapturedFile> byPath = new(StringComparer.Ordinal);
    private string? wantedFile;
    private string wantedDir = "bin";

    /// <summary>Where the binary may be in the next layer, from the layers applied so far.</summary>
    public void PrepareLayer(ImageFilesystem lower)
    {
        if (binaryName is null)
        {
            wantedDir = lower.TryResolvePath("/bin") ?? "bin";
        }
        else
        {
            wantedFile = lower.TryResolvePath("/bin/" + binaryName);
        }
    }

    /// <summary>True when <paramref name="entry"/> (of the layer being read) may be the binary.</summary>
    public bool Wants(TarEntry entry)
    {
        if (entry.Type != TarEntryType.File)
        {
            return false;
        }

        var path = ImageFilesystem.Normalise(entry.Name, entry.Name);
        if (binaryName is not null)
        {
            return path == wantedFile || (path.Length == binaryName.Length + 4 && path.StartsWith("bin/", StringComparison.Ordinal) && path.EndsWith(binaryName, StringComparison.Ordinal));
        }

        var slash = path.LastIndexOf('/');
        var dir = slash < 0 ? string.Empty : path[..slash];
        return (dir == "bin" || dir == wantedDir) && (byPath.Count < MaxUnnamedCandidates || byPath.ContainsKey(path));
    }

    /// <summary>Reads the current entry's data and keeps it under its path (replacing an earlier capture of that path).</summary>
    public async Task CaptureAsync(TarStreamReader reader, TarEntry entry, int layer, CancellationToken cancellationToken)
    {
        var path = ImageFilesystem.Normalise(entry.Name, entry.Name);
        if (byPath.Remove(path, out var earlier))
        {
            earlier.Dispose();
        }

        byPath[path] = await CapturedFile.ReadAsync(reader, entry, layer, memory, scratch, maxBytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The captured data of entry <paramref name="ordinal"/> of <paramref name="layer"/>, now the caller's; null when it was not captured.</summary>
    public Stream? Take(int layer, int ordinal)
    {
        foreach (var (path, file) in byPath)
        {
            if (file.Layer == layer && file.Ordinal == ordinal)
            {
                byPath.Remove(path);
                return file.Data;
            }
        }

        return null;
    }

    public void Dispose()
    {
        foreach (var file in byPath.Values)
        {
            file.Dispose();
        }

        byPath.Clear();
    }
}

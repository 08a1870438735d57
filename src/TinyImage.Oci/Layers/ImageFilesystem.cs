namespace TinyImage.Oci.Layers;

/// <summary>
/// The final filesystem of an image, built by applying its layers in order with OCI whiteout semantics:
/// <c>DIR/.wh.NAME</c> removes NAME (and everything under it) from lower layers, <c>DIR/.wh..wh..opq</c> removes all of
/// DIR's children from lower layers; whiteouts of a layer never hide entries of the same layer. Entry names are
/// normalised (leading <c>/</c> and <c>./</c> dropped); a <c>..</c> component is a <see cref="LayerErrorKind.PathTraversal"/>.
/// A symlink whose target, resolved from its own directory, climbs above the root is refused
/// (<see cref="LayerErrorKind.LinkEscapesRoot"/>) wherever it is in the image; absolute targets are taken relative to the
/// image root. A hardlink becomes a copy of the node it names (that node must exist and its name must not use <c>..</c>).
/// Only metadata is kept: where each file's data lives (layer and entry ordinal).
/// </summary>
public sealed class ImageFilesystem
{
    private const int MaxSymlinkHops = 40;
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueWhiteout = ".wh..wh..opq";

    private readonly Dictionary<string, Node> nodes = new(StringComparer.Ordinal);
    private readonly SortedSet<string> paths = new(StringComparer.Ordinal);
    private readonly LayerLimits limits;
    private int entryCount;

    public ImageFilesystem(LayerLimits limits)
    {
        this.limits = limits;
    }

    /// <summary>Where a file's bytes are: layer index and entry ordinal within that layer.</summary>
    public sealed record Node(TarEntryType Type, long Size, string? LinkTarget, int Layer, int Ordinal);

    /// <summary>Applies one layer's entries (in archive order) on top of the lower layers.</summary>
    public void ApplyLayer(int layer, IReadOnlyList<TarEntry> entries)
    {
        entryCount += entries.Count;
        if (entryCount > limits.MaxEntries)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"The image has more than {limits.MaxEntries} entries.");
        }

        var normalised = entries.Select(e => (Entry: e, Path: Normalise(e.Name, e.Name))).Where(x => x.Path.Length > 0).ToList();

        // 1. Whiteouts hide lower layers only, so they go first.
        foreach (var (_, path) in normalised)
        {
            var (dir, name) = Split(path);
            if (name == OpaqueWhiteout)
            {
                RemoveChildren(dir);
            }
            else if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                var hidden = name[WhiteoutPrefix.Length..];
                if (hidden.Length == 0 || hidden is "." or "..")
                {
                    throw new ImageLayerException(LayerErrorKind.PathTraversal, $"The whiteout '{TarStreamReader.Printable(path)}' names no valid entry.");
                }

                var target = Join(dir, hidden);
                Remove(target);
                RemoveChildren(target);
            }
        }

        // 2. Then the layer's own entries, in order.
        foreach (var (entry, path) in normalised)
        {
            var name = Split(path).Name;
            if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            Node node;
            switch (entry.Type)
            {
                case TarEntryType.Hardlink:
                    var target = Normalise(entry.LinkTarget!, entry.Name);
                    if (!nodes.TryGetValue(target, out var linked) || linked.Type == TarEntryType.Directory)
                    {
                        throw new ImageLayerException(LayerErrorKind.Malformed, $"The hardlink '{TarStreamReader.Printable(path)}' names '{TarStreamReader.Printable(target)}', which is not an earlier file.");
                    }

                    node = linked;
                    break;
                case TarEntryType.Symlink:
                    CheckSymlinkStaysInside(path, entry.LinkTarget!);
                    node = new Node(TarEntryType.Symlink, 0, entry.LinkTarget, layer, entry.Ordinal);
                    break;
                default:
                    node = new Node(entry.Type, entry.Size, null, layer, entry.Ordinal);
                    break;
            }

            if (node.Type != TarEntryType.Directory)
            {
                RemoveChildren(path);
            }

            nodes[path] = node;
            paths.Add(path);
        }
    }

    /// <summary>The name of the only non-directory entry directly in <c>/bin</c>, or null when there are none or several.</summary>
    public string? SoleEntryInBin()
    {
        var names = paths.GetViewBetween("bin/", "bin0")
            .Where(p => p.StartsWith("bin/", StringComparison.Ordinal) && p.IndexOf('/', 4) < 0 && nodes[p].Type != TarEntryType.Directory)
            .Take(2)
            .ToList();
        return names.Count == 1 ? names[0][4..] : null;
    }

    /// <summary>Every path of the final filesystem, sorted.</summary>
    public IReadOnlyList<ImageFile> Files =>
        paths.Select(p => (Path: p, Node: nodes[p])).Select(x => new ImageFile("/" + x.Path, x.Node.Type, x.Node.Size, x.Node.LinkTarget)).ToList();

    /// <summary>
    /// Resolves <paramref name="path"/> (absolute, inside the image) to a regular file, following symlinks in any
    /// component (at most 40 hops) within the image root. Returns the resolved path and its node.
    /// </summary>
    public (string Path, Node Node) ResolveFile(string path)
    {
        var final = ResolvePath(path);
        if (!nodes.TryGetValue(final, out var found))
        {
            throw new ImageLayerException(LayerErrorKind.BinaryNotFound, final == Normalise(path, path)
                ? $"The image has no '{path}' (absent, or removed by a whiteout)."
                : $"'{path}' resolves to '/{final}', which the image does not contain.");
        }

        if (found.Type != TarEntryType.File)
        {
            throw new ImageLayerException(LayerErrorKind.BinaryNotRegularFile, $"'{path}' resolves to '/{final}', which is a {found.Type.ToString().ToLowerInvariant()}, not a regular file.");
        }

        return ("/" + final, found);
    }

    /// <summary>
    /// Where <paramref name="path"/> leads in the filesystem as it stands (the layers applied so far), symlinks followed,
    /// normalised without the leading <c>/</c>; null when it climbs above the root or loops. The path need not exist.
    /// </summary>
    public string? TryResolvePath(string path)
    {
        try
        {
            return ResolvePath(path);
        }
        catch (ImageLayerException)
        {
            return null;
        }
    }

    private string ResolvePath(string path)
    {
        var pending = new Stack<string>(Components(path).Reverse());
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var component = pending.Pop();
            if (component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                if (resolved.Count == 0)
                {
                    throw new ImageLayerException(LayerErrorKind.LinkEscapesRoot, $"Resolving '{path}' climbs above the image root.");
                }

                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }

            resolved.Add(component);
            if (nodes.TryGetValue(string.Join('/', resolved), out var node) && node.Type == TarEntryType.Symlink)
            {
                if (++hops > MaxSymlinkHops)
                {
                    throw new ImageLayerException(LayerErrorKind.LinkEscapesRoot, $"Resolving '{path}' follows more than {MaxSymlinkHops} symlinks (a loop?).");
                }

                resolved.RemoveAt(resolved.Count - 1);
                var target = node.LinkTarget!;
                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }

                foreach (var c in Components(target).Reverse())
                {
                    pending.Push(c);
                }
            }
        }

        return string.Join('/', resolved);
    }

    /// <summary>Normalises an entry name: drops leading <c>/</c>, <c>./</c>, empty and <c>.</c> components; refuses <c>..</c>.</summary>
    internal static string Normalise(string name, string entryName)
    {
        var parts = new List<string>();
        foreach (var c in name.Split('/'))
        {
            if (c.Length == 0 || c == ".")
            {
                continue;
            }

            if (c == "..")
            {
                throw new ImageLayerException(LayerErrorKind.PathTraversal, $"The entry '{TarStreamReader.Printable(entryName)}' uses '..' in '{TarStreamReader.Printable(name)}'.");
            }

            parts.Add(c);
        }

        return string.Join('/', parts);
    }

    private static void CheckSymlinkStaysInside(string path, string target)
    {
        var depth = target.StartsWith('/') ? 0 : Components(path).Count() - 1;
        foreach (var c in Components(target))
        {
            if (c == "..")
            {
                if (--depth < 0)
                {
                    throw new ImageLayerException(LayerErrorKind.LinkEscapesRoot, $"The symlink '/{TarStreamReader.Printable(path)}' -> '{TarStreamReader.Printable(target)}' leaves the image root.");
                }
            }
            else if (c != ".")
            {
                depth++;
            }
        }
    }

    private static IEnumerable<string> Components(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private void Remove(string path)
    {
        nodes.Remove(path);
        paths.Remove(path);
    }

    /// <summary>Removes everything below <paramref name="dir"/> (a range of the sorted paths, so O(log n + removed)).</summary>
    private void RemoveChildren(string dir)
    {
        if (paths.Count == 0)
        {
            return;
        }

        List<string> doomed;
        if (dir.Length == 0)
        {
            doomed = [.. paths];
        }
        else
        {
            var prefix = dir + "/";
            var upper = dir + "0"; // '0' is the character after '/'
            doomed = paths.GetViewBetween(prefix, upper).Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        }

        foreach (var k in doomed)
        {
            Remove(k);
        }
    }

    private static (string Dir, string Name) Split(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? (string.Empty, path) : (path[..slash], path[(slash + 1)..]);
    }

    private static string Join(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;
}

using System.Collections.Concurrent;

namespace TinyImage.Operator.Verification;

/// <summary>
/// The package list of each verified digest the re-audit may need, in memory: filled when an image is verified and,
/// after a restart, from the SBOM ConfigMaps the operator wrote (never by pulling an image again). Thread-safe; digests
/// no TinyImage refers to any more are dropped by <see cref="Retain"/>.
/// </summary>
internal sealed class PackageListStore
{
    private readonly ConcurrentDictionary<string, PackageList> lists = new(StringComparer.Ordinal);

    /// <summary>The pool the lists' strings come from.</summary>
    public StringPool Pool { get; } = new();

    /// <summary>Digests held.</summary>
    public int Count => lists.Count;

    /// <summary>The list of <paramref name="digest"/>, or null.</summary>
    public PackageList? Get(string digest) => lists.TryGetValue(digest, out var list) ? list : null;

    /// <summary>Keeps <paramref name="list"/> as the list of <paramref name="digest"/> (a digest names one image: any list read for it is the same).</summary>
    public PackageList Remember(string digest, PackageList list)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(list);
        return lists.GetOrAdd(digest, list);
    }

    /// <summary>Reads and keeps the list of <paramref name="digest"/> from its CycloneDX document; null when it is not one.</summary>
    public PackageList? Remember(string digest, string cycloneDxJson)
    {
        if (Get(digest) is { } known)
        {
            return known;
        }

        return PackageList.FromCycloneDx(cycloneDxJson, Pool) is { } list ? Remember(digest, list) : null;
    }

    /// <summary>Drops every list whose digest is not in <paramref name="digests"/>.</summary>
    public void Retain(IReadOnlySet<string> digests)
    {
        ArgumentNullException.ThrowIfNull(digests);
        foreach (var digest in lists.Keys)
        {
            if (!digests.Contains(digest))
            {
                lists.TryRemove(digest, out _);
            }
        }
    }
}

using System.Collections.Frozen;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace TinyImage.Advisories;

/// <summary>
/// The RustSec Advisory Database in memory: every advisory of <c>crates/</c> and <c>rust/</c>, indexed by package
/// name, with the revision it was read from. Immutable once loaded, so one instance may serve many readers.
/// </summary>
public sealed class AdvisoryDatabase
{
    private readonly FrozenDictionary<string, Advisory[]> byPackage;

    private AdvisoryDatabase(IReadOnlyList<Advisory> advisories, string revision, string? sourceName)
    {
        Advisories = advisories;
        Revision = revision;
        SourceName = sourceName;
        WithdrawnCount = advisories.Count(a => a.IsWithdrawn);
        byPackage = advisories
            .GroupBy(a => a.Package, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Every advisory, withdrawn ones included, ordered by file path.</summary>
    public IReadOnlyList<Advisory> Advisories { get; }

    /// <summary>How many advisories the database holds (withdrawn ones included).</summary>
    public int Count => Advisories.Count;

    /// <summary>How many of them are withdrawn.</summary>
    public int WithdrawnCount { get; }

    /// <summary>How many packages have at least one advisory.</summary>
    public int PackageCount => byPackage.Count;

    /// <summary>
    /// <c>sha256:</c> and the hex SHA-256 of the advisory files (each one's path below the database root, then its
    /// bytes, in ordinal path order): equal for the same advisories read from a directory or from an archive.
    /// </summary>
    public string Revision { get; }

    /// <summary>The archive's top folder (<c>advisory-db-&lt;rev&gt;</c>), or null when read from a directory.</summary>
    public string? SourceName { get; }

    /// <summary>The advisories about a package (withdrawn ones included), empty when none.</summary>
    public IReadOnlyList<Advisory> ForPackage(string name) =>
        byPackage.TryGetValue(name, out var list) ? list : [];

    /// <summary>
    /// Audits a dependency list as <c>cargo audit</c> does: for each package of the <c>crates/</c> collection, every
    /// advisory that is not withdrawn and whose patched and unaffected requirements the version satisfies none of.
    /// Informational advisories are included (see <see cref="AdvisoryMatch.Informational"/>); a version that is not
    /// a semantic version matches nothing. A package listed twice with the same version is reported once.
    /// </summary>
    public IReadOnlyList<AdvisoryMatch> Audit(IEnumerable<(string Name, string Version)> packages)
    {
        ArgumentNullException.ThrowIfNull(packages);
        var matches = new List<AdvisoryMatch>();
        var seen = new HashSet<(string, string)>();
        foreach (var (name, version) in packages)
        {
            if (!byPackage.TryGetValue(name, out var advisories) || !seen.Add((name, version))
                || !SemVersion.TryParse(version, out var parsed))
            {
                continue;
            }

            foreach (var advisory in advisories)
            {
                if (advisory.Collection == AdvisoryCollection.Crates && advisory.Affects(parsed))
                {
                    matches.Add(new AdvisoryMatch(name, version, advisory));
                }
            }
        }

        return matches;
    }

    /// <summary>Reads the database from a directory holding <c>crates/</c> and <c>rust/</c> (a clone of the repository).</summary>
    public static async Task<AdvisoryDatabase> LoadFromDirectoryAsync(string root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(Path.Combine(root, "crates")))
        {
            throw new AdvisoryFormatException($"{root} holds no crates/ folder: it is not an advisory database");
        }

        var files = new List<(string, byte[])>();
        foreach (var collection in new[] { "crates", "rust" })
        {
            var dir = Path.Combine(root, collection);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(dir, "*.md", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
                if (IsAdvisoryPath(relative))
                {
                    files.Add((relative, await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)));
                }
            }
        }

        return Build(files, sourceName: null);
    }

    /// <summary>
    /// Reads the database from a gzip-compressed tar archive of the repository (<c>advisory-db-&lt;rev&gt;/crates/...</c>;
    /// the top folder's name may be anything). Refuses entries with <c>..</c> or absolute paths and archives beyond
    /// <paramref name="limits"/>; links and files outside <c>crates/</c> and <c>rust/</c> are skipped.
    /// </summary>
    public static async Task<AdvisoryDatabase> LoadFromTarGzAsync(Stream archive, AdvisoryArchiveLimits? limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        limits ??= AdvisoryArchiveLimits.Default;
        var files = new List<(string, byte[])>();
        string? top = null;
        var entries = 0;
        try
        {
            await using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
            await using var limited = new LimitedReadStream(gzip, limits.MaxTotalBytes);
            await using var reader = new TarReader(limited, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (++entries > limits.MaxEntries)
                {
                    throw new AdvisoryFormatException($"the archive has more than {limits.MaxEntries} entries");
                }

                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                {
                    continue;
                }

                var name = entry.Name.Replace('\\', '/');
                if (name.StartsWith('/') || name.Split('/').Contains(".."))
                {
                    throw new AdvisoryFormatException($"the archive entry '{entry.Name}' leaves its folder");
                }

                var slash = name.IndexOf('/', StringComparison.Ordinal);
                var folder = slash < 0 ? name : name[..slash];
                if (top is null)
                {
                    top = folder;
                }
                else if (folder != top)
                {
                    throw new AdvisoryFormatException($"the archive entry '{entry.Name}' is outside its top folder '{top}'");
                }

                var relative = slash < 0 ? string.Empty : name[(slash + 1)..];
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !IsAdvisoryPath(relative))
                {
                    continue;
                }

                if (entry.Length > limits.MaxEntryBytes)
                {
                    throw new AdvisoryFormatException($"the advisory '{entry.Name}' is larger than {limits.MaxEntryBytes} bytes");
                }

                var content = new byte[entry.Length];
                if (entry.DataStream is { } data)
                {
                    await data.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
                }

                files.Add((relative, content));
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new AdvisoryFormatException($"the archive is not a readable tar.gz: {e.Message}", e);
        }

        if (top is null || files.Count == 0)
        {
            throw new AdvisoryFormatException("the archive holds no advisories under <top>/crates/");
        }

        return Build(files, top);
    }

    /// <summary>Builds a database from advisory files given by their path below the database root.</summary>
    internal static AdvisoryDatabase Build(List<(string RelativePath, byte[] Content)> files, string? sourceName)
    {
        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var advisories = new Advisory[files.Count];
        Span<byte> length = stackalloc byte[8];
        for (var i = 0; i < files.Count; i++)
        {
            var (path, content) = files[i];
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\0"));
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, content.LongLength);
            hash.AppendData(length);
            hash.AppendData(content);
            var collection = path.StartsWith("rust/", StringComparison.Ordinal) ? AdvisoryCollection.Rust : AdvisoryCollection.Crates;
            advisories[i] = AdvisoryParser.Parse(Encoding.UTF8.GetString(content), collection, path);
        }

        return new AdvisoryDatabase(advisories, "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()), sourceName);
    }

    /// <summary><c>crates/&lt;name&gt;/&lt;file&gt;.md</c> or <c>rust/&lt;name&gt;/&lt;file&gt;.md</c>.</summary>
    private static bool IsAdvisoryPath(string relative)
    {
        var parts = relative.Split('/');
        return parts.Length == 3 && parts[0] is "crates" or "rust" && parts[1].Length > 0
            && parts[2].EndsWith(".md", StringComparison.Ordinal) && parts[2].Length > 3;
    }
}

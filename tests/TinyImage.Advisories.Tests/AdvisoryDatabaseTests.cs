using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Advisories.Tests;

public sealed class AdvisoryDatabaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_Advisory_File_Of_The_Snapshot_Parses()
    {
        var dir = Snapshot.RequireDirectory();
        var files = Snapshot.AdvisoryFiles(dir);
        var rustsec = files.Count(f => Path.GetFileName(f).StartsWith("RUSTSEC-", StringComparison.Ordinal));

        var db = await Snapshot.LoadAsync();

        Assert.True(rustsec > 1000, $"only {rustsec} RUSTSEC-*.md files: the snapshot looks truncated");
        Assert.Equal(files.Length, db.Count);
        Assert.Equal(rustsec, db.Advisories.Count(a => a.Collection == AdvisoryCollection.Crates));
        Assert.Equal(files.Length - rustsec, db.Advisories.Count(a => a.Collection == AdvisoryCollection.Rust));
        Assert.Equal(db.Count, db.Advisories.Select(a => a.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(db.Advisories, a => Assert.False(string.IsNullOrEmpty(a.Package)));
    }

    [Fact]
    public async Task The_Snapshot_Has_Withdrawn_Informational_And_Scored_Advisories()
    {
        var db = await Snapshot.LoadAsync();
        var withdrawnFiles = Snapshot.AdvisoryFiles(Snapshot.RequireDirectory())
            .Count(f => File.ReadLines(f).Any(l => l.StartsWith("withdrawn", StringComparison.Ordinal)));

        Assert.Equal(withdrawnFiles, db.WithdrawnCount);
        Assert.True(db.WithdrawnCount > 0);
        Assert.Contains(db.Advisories, a => a.Informational == InformationalKind.Unmaintained);
        Assert.Contains(db.Advisories, a => a.Informational == InformationalKind.Unsound);
        Assert.Contains(db.Advisories, a => a.Informational == InformationalKind.Notice);
        Assert.DoesNotContain(db.Advisories, a => a.Informational == InformationalKind.Other);
        Assert.Contains(db.Advisories, a => a.Severity == CvssSeverity.Critical);
        Assert.Contains(db.Advisories, a => a.Cvss is { Version: "4.0" });
        Assert.All(db.Advisories.Where(a => a.Cvss is not null), a => Assert.InRange(a.Cvss!.BaseScore!.Value, 0.0, 10.0));
        Assert.All(db.Advisories, a => Assert.Equal(a.Cvss is null, a.Severity == CvssSeverity.Unknown));
    }

    [Fact]
    public async Task The_Example_Crate_0_0_1_Is_Affected_By_RUSTSEC_2019_0024_And_1_0_0_Is_Not()
    {
        var db = await Snapshot.LoadAsync();

        var match = Assert.Single(db.Audit([("rustsec-example-crate", "0.0.1")]));
        Assert.Equal(("RUSTSEC-2019-0024", "rustsec-example-crate", "0.0.1"), (match.Id, match.Package, match.Version));
        Assert.Equal([">= 1.0.0"], match.Patched);
        Assert.Equal(["< 0.0.1"], match.Advisory.Unaffected.Select(r => r.Text));
        Assert.Equal(InformationalKind.None, match.Informational);
        Assert.Empty(db.Audit([("rustsec-example-crate", "1.0.0")]));
        Assert.Empty(db.Audit([("rustsec-example-crate", "0.0.0")]));
    }

    [Fact]
    public async Task An_Unmaintained_Crate_Is_Reported_With_Its_Informational_Kind_At_Every_Version()
    {
        var db = await Snapshot.LoadAsync();

        var matches = db.Audit([("ansi_term", "0.12.1"), ("ansi_term", "0.9.0")]);

        Assert.Equal(2, matches.Count);
        Assert.All(matches, m => Assert.Equal(("RUSTSEC-2021-0139", InformationalKind.Unmaintained, "ansi_term is Unmaintained"), (m.Id, m.Informational, m.Advisory.Title)));
        Assert.All(matches, m => Assert.Empty(m.Patched));
    }

    [Fact]
    public async Task The_Toolchain_Advisories_Load_Into_The_Rust_Collection_And_Are_Not_Audited_As_Crates()
    {
        var db = await Snapshot.LoadAsync();

        var std = db.ForPackage("std");

        Assert.NotEmpty(std);
        Assert.All(std, a => Assert.Equal(AdvisoryCollection.Rust, a.Collection));
        Assert.Contains(std, a => a.Id == "CVE-2021-28877" && a.Patched.Single().Text == ">= 1.51.0");
        Assert.Empty(db.Audit([("std", "1.50.0")]));
    }

    [Fact]
    public async Task Withdrawn_Advisories_Never_Match()
    {
        var db = await Snapshot.LoadAsync();
        var withdrawn = db.Advisories.Where(a => a.IsWithdrawn).ToList();
        Assert.NotEmpty(withdrawn);

        var wouldMatchIfLive = 0;
        foreach (var a in withdrawn)
        {
            // Candidate versions: every comparator's version, 0.0.0 and 0.0.1.
            var versions = a.Patched.Concat(a.Unaffected).SelectMany(r => r.Comparators)
                .Select(c => $"{c.Major}.{c.Minor ?? 0}.{c.Patch ?? 0}").Append("0.0.0").Append("0.0.1").Distinct().ToList();
            if (versions.Any(v => (a with { Withdrawn = null }).Affects(SemVersion.Parse(v))))
            {
                wouldMatchIfLive++;
            }

            var matches = db.Audit(versions.Select(v => (a.Package, v)));
            Assert.DoesNotContain(matches, m => m.Id == a.Id);
        }

        // Most withdrawn advisories would match one of those versions if they were live (a few say no version is affected).
        Assert.True(wouldMatchIfLive >= withdrawn.Count / 2, $"{wouldMatchIfLive} of {withdrawn.Count}");
    }

    [Fact]
    public async Task The_Sbom_Of_The_Binary_With_A_Vulnerability_Is_Reported_With_RUSTSEC_2019_0024()
    {
        var db = await Snapshot.LoadAsync();
        if (RepoPaths.AuditableFixtures is not { } fixtures)
        {
            Assert.Skip("The shared fixtures folder ../shared/fixtures/auditable is absent next to the repository.");
            return;
        }

        using var sbom = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(fixtures, "rustsec__binary-with-vuln.expected.json"), Ct));
        var packages = sbom.RootElement.GetProperty("packages").EnumerateArray()
            .Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("version").GetString()!)).ToList();

        var matches = db.Audit(packages);

        var match = Assert.Single(matches);
        Assert.Equal(("RUSTSEC-2019-0024", "rustsec-example-crate", "0.0.1", ">= 1.0.0"), (match.Id, match.Package, match.Version, match.Patched.Single()));
    }

    [Fact]
    public async Task A_Tar_Gz_Of_The_Snapshot_Loads_The_Same_Advisories_As_Its_Directory()
    {
        var dir = Snapshot.RequireDirectory();
        var fromDirectory = await Snapshot.LoadAsync();
        using var archive = new MemoryStream();
        await WriteArchiveAsync(archive, dir, "advisory-db-bf5c0d2");
        archive.Position = 0;

        var fromArchive = await AdvisoryDatabase.LoadFromTarGzAsync(archive, null, Ct);

        Assert.Equal("advisory-db-bf5c0d2", fromArchive.SourceName);
        Assert.Null(fromDirectory.SourceName);
        Assert.Equal(fromDirectory.Revision, fromArchive.Revision);
        Assert.Equal(fromDirectory.Count, fromArchive.Count);
        Assert.Equal(fromDirectory.WithdrawnCount, fromArchive.WithdrawnCount);
        Assert.Equal(
            fromDirectory.Advisories.Select(Describe),
            fromArchive.Advisories.Select(Describe));
    }

    [Fact]
    public async Task The_Revision_Changes_When_One_Advisory_Changes()
    {
        var a = await FromFilesAsync(("crates/p/RUSTSEC-2020-0001.md", Advisory("RUSTSEC-2020-0001", "p", ">= 1.0.0")));
        var b = await FromFilesAsync(("crates/p/RUSTSEC-2020-0001.md", Advisory("RUSTSEC-2020-0001", "p", ">= 1.0.1")));
        Assert.NotEqual(a.Revision, b.Revision);
        Assert.Single(b.Audit([("p", "1.0.0")]));
        Assert.Empty(a.Audit([("p", "1.0.0")]));
    }

    [Theory]
    [InlineData("advisory-db/../evil/crates/p/RUSTSEC-2020-0001.md", "leaves its folder")]
    [InlineData("/advisory-db/crates/p/RUSTSEC-2020-0001.md", "leaves its folder")]
    public async Task An_Archive_Entry_Outside_Its_Folder_Is_Refused(string entryName, string reason)
    {
        using var archive = new MemoryStream();
        await WriteEntriesAsync(archive, [("advisory-db/crates/q/RUSTSEC-2020-0002.md", Advisory("RUSTSEC-2020-0002", "q", ">= 1.0.0")), (entryName, "x")]);
        archive.Position = 0;

        var e = await Assert.ThrowsAsync<AdvisoryFormatException>(() => AdvisoryDatabase.LoadFromTarGzAsync(archive, null, Ct));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Archive_Beyond_Its_Limits_Is_Refused()
    {
        var entries = Enumerable.Range(1, 20)
            .Select(i => ($"db/crates/p{i}/RUSTSEC-2020-{i:0000}.md", Advisory($"RUSTSEC-2020-{i:0000}", $"p{i}", ">= 1.0.0")))
            .ToArray();
        using var archive = new MemoryStream();
        await WriteEntriesAsync(archive, entries);

        archive.Position = 0;
        var ok = await AdvisoryDatabase.LoadFromTarGzAsync(archive, null, Ct);
        Assert.Equal(20, ok.Count);

        archive.Position = 0;
        var big = await Assert.ThrowsAsync<AdvisoryFormatException>(() => AdvisoryDatabase.LoadFromTarGzAsync(archive, new(100, 1 << 20, 1000), Ct));
        Assert.Contains("larger than 100 bytes", big.Message, StringComparison.Ordinal);

        archive.Position = 0;
        var total = await Assert.ThrowsAsync<AdvisoryFormatException>(() => AdvisoryDatabase.LoadFromTarGzAsync(archive, new(1 << 20, 4096, 1000), Ct));
        Assert.Contains("larger than 4096 bytes uncompressed", total.Message, StringComparison.Ordinal);

        archive.Position = 0;
        var many = await Assert.ThrowsAsync<AdvisoryFormatException>(() => AdvisoryDatabase.LoadFromTarGzAsync(archive, new(1 << 20, 1 << 20, 5), Ct));
        Assert.Contains("more than 5 entries", many.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_That_Are_Not_A_Tar_Gz_Are_Refused()
    {
        using var notGzip = new MemoryStream(Encoding.UTF8.GetBytes("not an archive at all"));
        await Assert.ThrowsAsync<AdvisoryFormatException>(() => AdvisoryDatabase.LoadFromTarGzAsync(notGzip, null, Ct));
    }

    [Fact]
    public async Task An_Advisory_Of_The_Rust_Collection_Does_Not_Match_A_Crate_Of_The_Same_Name()
    {
        var db = await FromFilesAsync(("rust/std/CVE-2021-0001.md", Advisory("CVE-2021-0001", "std", ">= 1.51.0")));
        Assert.Equal(AdvisoryCollection.Rust, Assert.Single(db.ForPackage("std")).Collection);
        Assert.Empty(db.Audit([("std", "1.0.0")]));
    }

    [Fact]
    public async Task A_Package_Listed_Twice_Is_Reported_Once_And_An_Unparsable_Version_Matches_Nothing()
    {
        var db = await FromFilesAsync(("crates/p/RUSTSEC-2020-0001.md", Advisory("RUSTSEC-2020-0001", "p", ">= 1.0.0")));
        Assert.Single(db.Audit([("p", "0.1.0"), ("p", "0.1.0"), ("p", "not-a-version"), ("other", "0.1.0")]));
        Assert.Equal(2, db.Audit([("p", "0.1.0"), ("p", "0.2.0")]).Count);
    }

    private static string Describe(Advisory a) =>
        string.Join('|', a.Id, a.Package, a.Collection, a.Date, a.Title, a.Withdrawn, a.Informational, a.Cvss?.Vector,
            string.Join(';', a.Patched.Select(r => r.Text)), string.Join(';', a.Unaffected.Select(r => r.Text)),
            string.Join(';', a.Aliases));

    private static string Advisory(string id, string package, string patched) =>
        $"```toml\n[advisory]\nid = \"{id}\"\npackage = \"{package}\"\ndate = \"2020-01-01\"\n\n[versions]\npatched = [\"{patched}\"]\n```\n\n# Title\n";

    private static async Task<AdvisoryDatabase> FromFilesAsync(params (string Path, string Text)[] files)
    {
        using var archive = new MemoryStream();
        await WriteEntriesAsync(archive, [.. files.Select(f => ("db/" + f.Path, f.Text))]);
        archive.Position = 0;
        return await AdvisoryDatabase.LoadFromTarGzAsync(archive, null, Ct);
    }

    private static async Task WriteEntriesAsync(Stream output, (string Name, string Text)[] entries)
    {
        await using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var (name, text) in entries)
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
            await tar.WriteEntryAsync(entry, Ct);
        }
    }

    /// <summary>The archive as the upstream repository serves it: one top folder holding the whole tree.</summary>
    private static async Task WriteArchiveAsync(Stream output, string dir, string top)
    {
        await using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var path in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = top + "/" + Path.GetRelativePath(dir, path).Replace('\\', '/');
            await tar.WriteEntryAsync(path, name, Ct);
        }
    }
}

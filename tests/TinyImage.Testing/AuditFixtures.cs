using Xunit;
using TinyImage.Testing;

namespace TinyImage.Testing;

/// <summary>The real cargo-auditable binaries in ../shared/fixtures/auditable (read in place, never copied).</summary>
public static class AuditFixtures
{
    public const string Absent = "(fixtures folder absent)";

    public const string SkipReason = "The shared fixtures folder ../shared/fixtures/auditable is absent next to the repository.";

    /// <summary>Every binary of the folder, or a single <see cref="Absent"/> marker so the theory can skip saying why.</summary>
    public static TheoryData<string> Binaries() => [.. BinaryNames()];

    private static List<string> BinaryNames()
    {
        var data = new List<string>();
        if (RepoPaths.AuditableFixtures is not { } dir)
        {
            data.Add(Absent);
            return data;
        }

        foreach (var file in Directory.EnumerateFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (file is null || file is "README.md" or "SHA256SUMS" || file.EndsWith(".expected.json", StringComparison.Ordinal))
            {
                continue;
            }

            data.Add(file);
        }

        return data;
    }

    /// <summary>The binaries that have an <c>.expected.json</c>.</summary>
    public static TheoryData<string> WithAuditData()
    {
        var data = new TheoryData<string>();
        foreach (var name in BinaryNames())
        {
            if (name == Absent || File.Exists(Path.Combine(RepoPaths.AuditableFixtures!, name + ".expected.json")))
            {
                data.Add(name);
            }
        }

        return data;
    }

    /// <summary>The folder, or skips the calling test saying why.</summary>
    public static string Folder(string name)
    {
        if (name == Absent || RepoPaths.AuditableFixtures is not { } dir)
        {
            Assert.Skip(SkipReason);
            throw new InvalidOperationException("unreachable");
        }

        return dir;
    }

    public static string PathOf(string name) => Path.Combine(Folder(name), name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static byte[]? Expected(string name)
    {
        var p = Path.Combine(Folder(name), name + ".expected.json");
        return File.Exists(p) ? File.ReadAllBytes(p) : null;
    }
}

using TinyImage.Advisories;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Advisories.Tests;

/// <summary>The real advisory database snapshot in ../shared/fixtures/advisory-db (read in place, never copied).</summary>
internal static class Snapshot
{
    public const string SkipReason =
        "The shared fixture ../shared/fixtures/advisory-db (the RustSec database snapshot) is absent next to the repository.";

    private static readonly Lazy<Task<AdvisoryDatabase>> Loaded =
        new(() => AdvisoryDatabase.LoadFromDirectoryAsync(RequireDirectory(), CancellationToken.None));

    /// <summary>The snapshot's folder, or null when ../shared is absent.</summary>
    public static string? Directory =>
        RepoPaths.Shared is { } s && System.IO.Directory.Exists(Path.Combine(s, "fixtures", "advisory-db", "crates"))
            ? Path.Combine(s, "fixtures", "advisory-db")
            : null;

    /// <summary>The snapshot's folder; skips the calling test, saying why, when it is absent.</summary>
    public static string RequireDirectory()
    {
        var dir = Directory;
        if (dir is null)
        {
            Assert.Skip(SkipReason);
        }

        return dir;
    }

    /// <summary>The snapshot loaded once from its folder (skips when absent).</summary>
    public static Task<AdvisoryDatabase> LoadAsync()
    {
        RequireDirectory();
        return Loaded.Value;
    }

    /// <summary>Every advisory file of the snapshot: <c>crates/*/*.md</c> and <c>rust/*/*.md</c>, counted independently.</summary>
    public static string[] AdvisoryFiles(string dir) =>
    [
        .. new[] { "crates", "rust" }
            .Where(c => System.IO.Directory.Exists(Path.Combine(dir, c)))
            .SelectMany(c => System.IO.Directory.GetDirectories(Path.Combine(dir, c)))
            .SelectMany(d => System.IO.Directory.GetFiles(d, "*.md")),
    ];
}

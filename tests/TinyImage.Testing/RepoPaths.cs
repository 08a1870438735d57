namespace TinyImage.Testing;

/// <summary>Locates the repository root (the folder holding Operator.sln) and the shared fixtures beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Operator.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>A path relative to the repository root.</summary>
    public static string Repo(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary><c>../shared</c> next to the repository, or null when absent (tests then skip saying why).</summary>
    public static string? Shared
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("TINYIMAGE_SHARED_DIR");
            if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
            {
                return Path.GetFullPath(env);
            }

            var p = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            return Directory.Exists(p) ? p : null;
        }
    }

    /// <summary>The auditable fixtures folder, or null when ../shared is absent.</summary>
    public static string? AuditableFixtures =>
        Shared is { } s && Directory.Exists(Path.Combine(s, "fixtures", "auditable")) ? Path.Combine(s, "fixtures", "auditable") : null;

    /// <summary>The RustSec advisory database snapshot (<c>../shared/fixtures/advisory-db</c>), or null when absent.</summary>
    public static string? AdvisoryDb =>
        Shared is { } s && Directory.Exists(Path.Combine(s, "fixtures", "advisory-db", "crates")) ? Path.Combine(s, "fixtures", "advisory-db") : null;

    /// <summary>Where the test script puts generated fixtures and tool binaries (kubectl, helm): <c>.tools/</c>, ignored by git.</summary>
    public static string Tools(params string[] parts) => Path.Combine([Root, ".tools", .. parts]);
}

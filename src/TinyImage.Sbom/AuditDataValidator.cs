using System.Collections.Immutable;

namespace TinyImage.Sbom;

/// <summary>
/// The checks beyond cargo-auditable's reference reader: every name and version well-formed, every kind known,
/// every dependency index in range and listed once, exactly one root, and no cycle in the dependency graph.
/// </summary>
public static class AuditDataValidator
{
    /// <summary>Longer names are not package names (crates.io allows 64 characters).</summary>
    public const int MaxNameLength = 256;

    public static SbomOutcome<AuditData> Validate(IReadOnlyList<AuditJsonParser.RawPackage> raw, uint format, byte[] json)
    {
        var packages = ImmutableArray.CreateBuilder<AuditPackage>(raw.Count);
        var rootIndex = -1;
        for (var i = 0; i < raw.Count; i++)
        {
            var p = raw[i];
            if (!IsValidName(p.Name))
            {
                return Fail(SbomError.InvalidPackageName, $"Package {i} has the name \"{Shorten(p.Name)}\", which is not a cargo package name.");
            }

            if (!SemVer.IsValid(p.Version))
            {
                return Fail(SbomError.InvalidVersion, $"Package {p.Name} has the version \"{Shorten(p.Version)}\", which is not strict semver.");
            }

            DependencyKind kind;
            switch (p.Kind)
            {
                case null or "runtime": kind = DependencyKind.Runtime; break;
                case "build": kind = DependencyKind.Build; break;
                default: return Fail(SbomError.InvalidKind, $"Package {p.Name} {p.Version} has the kind \"{Shorten(p.Kind)}\", not build or runtime.");
            }

            var seen = new HashSet<long>();
            foreach (var d in p.Dependencies)
            {
                if (d < 0 || d >= raw.Count)
                {
                    return Fail(SbomError.DependencyIndexOutOfRange, $"Package {p.Name} {p.Version} depends on index {d}, but there are {raw.Count} packages.");
                }

                if (!seen.Add(d))
                {
                    return Fail(SbomError.DuplicateDependency, $"Package {p.Name} {p.Version} lists dependency index {d} twice.");
                }
            }

            if (p.Root)
            {
                if (rootIndex >= 0)
                {
                    return Fail(SbomError.MultipleRoots, $"Both {raw[rootIndex].Name} and {p.Name} are marked as the root package.");
                }

                rootIndex = i;
            }

            packages.Add(new AuditPackage(p.Name, p.Version, p.Source, kind, [.. p.Dependencies.Select(d => (int)d)], p.Root));
        }

        if (rootIndex < 0)
        {
            return Fail(SbomError.NoRoot, raw.Count == 0 ? "The SBOM lists no packages." : "No package is marked as the root package.");
        }

        var all = packages.MoveToImmutable();
        if (FindCycle(all) is { } cycle)
        {
            return Fail(SbomError.DependencyCycle, $"The dependency graph has a cycle: {string.Join(" -> ", cycle.Select(i => all[i].Name))}.");
        }

        return SbomOutcome<AuditData>.Ok(new AuditData(all, format, rootIndex, json));
    }

    /// <summary>
    /// Letters, digits, <c>-</c> and <c>_</c>: what cargo accepts in a package name. crates.io further restricts to ASCII;
    /// local and git packages may use Unicode letters.
    /// </summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Iterative three-colour depth-first search; returns the package indices along a cycle, or null.</summary>
    private static List<int>? FindCycle(ImmutableArray<AuditPackage> packages)
    {
        var state = new byte[packages.Length]; // 0 unvisited, 1 on the stack, 2 done
        var stack = new List<(int Node, int Next)>();
        for (var start = 0; start < packages.Length; start++)
        {
            if (state[start] != 0)
            {
                continue;
            }

            stack.Add((start, 0));
            state[start] = 1;
            while (stack.Count > 0)
            {
                var (node, next) = stack[^1];
                var deps = packages[node].Dependencies;
                if (next == deps.Length)
                {
                    state[node] = 2;
                    stack.RemoveAt(stack.Count - 1);
                    continue;
                }

                stack[^1] = (node, next + 1);
                var child = deps[next];
                if (state[child] == 1)
                {
                    var from = stack.FindIndex(f => f.Node == child);
                    return [.. stack.Skip(from).Select(f => f.Node), child];
                }

                if (state[child] == 0)
                {
                    state[child] = 1;
                    stack.Add((child, 0));
                }
            }
        }

        return null;
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "...";

    private static SbomOutcome<AuditData> Fail(SbomError error, string message) => SbomOutcome<AuditData>.Fail(error, message);
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Kaniko's layer cache for RUN steps (<c>--cache=true</c>, <c>--cache-run-layers</c> on by default), modelled on
/// kaniko's <c>pkg/executor/build.go</c> (<c>populateCompositeKey</c>) and <c>composite_cache.go</c>: a stage's key
/// starts from its base (an image reference, or the key of the earlier stage it builds on); each instruction adds its
/// text, the environment and build arguments in effect (sorted), and a COPY adds the content of the files it copies. A
/// RUN whose key names a layer in the cache repository younger than <c>--cache-ttl</c> is a hit and is not run; a miss
/// runs and pushes its layer under that key. COPY layers are not cached (<c>--cache-copy-layers</c> is off by default).
/// </summary>
/// <remarks>
/// What the stand-in cannot know it models, and says so: the file <c>cargo chef prepare --recipe-path PATH</c> writes is
/// taken to be a digest of every <c>Cargo.toml</c> and <c>Cargo.lock</c> of the context (cargo-chef's recipe is the
/// manifests and lock file with the targets' paths, which a change inside a source file leaves alone); any other file a
/// later stage copies from an earlier one is taken to change whenever that stage's key changes. A context the stand-in
/// cannot read (git) gives unknown keys, so no hit is claimed. The cache index lives in this object (one per stand-in);
/// the layers themselves are pushed to the cache repository by <see cref="KanikoStandIn"/>.
/// </remarks>
public sealed class KanikoLayerCache
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pushed = new(StringComparer.Ordinal);

    /// <summary>Every (cache repository, key) pushed so far, with when.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Entries => _pushed;

    /// <summary>The RUN steps of every stage but the last, with their keys and whether each is a hit; misses are recorded as pushed at <paramref name="now"/>.</summary>
    public IReadOnlyList<KanikoCacheStep> Evaluate(
        IReadOnlyList<BuildStage> stages,
        IReadOnlyDictionary<string, byte[]>? context,
        IReadOnlyDictionary<string, string> buildArgs,
        string cacheRepository,
        TimeSpan ttl,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(buildArgs);
        ArgumentNullException.ThrowIfNull(cacheRepository);
        var steps = new List<KanikoCacheStep>();
        var stageKeys = new Dictionary<string, string?>(StringComparer.Ordinal);
        var stageFiles = new Dictionary<string, Dictionary<string, string?>>(StringComparer.Ordinal);
        for (var s = 0; s < stages.Count - 1; s++)
        {
            var stage = stages[s];
            var stageName = stage.Name ?? s.ToString(CultureInfo.InvariantCulture);
            string? key = stageKeys.TryGetValue(stage.Base.ToLowerInvariant(), out var parent) ? parent : Hash("image", stage.Base);
            var files = new Dictionary<string, string?>(StringComparer.Ordinal);
            var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var ins in stage.Instructions)
            {
                switch (ins.Keyword)
                {
                    case "ENV":
                        foreach (var (k, v) in EnvPairs(ins.Arguments))
                        {
                            env[k] = v;
                        }

                        break;
                    case "ARG":
                        var name = ins.Arguments.Split('=')[0].Trim();
                        env[name] = buildArgs.TryGetValue(name, out var value) ? value : "";
                        break;
                }

                var envText = string.Join("\n", env.Select(e => e.Key + "=" + e.Value));
                if (ins.Keyword == "COPY")
                {
                    key = key is null ? null : CopyKey(key, ins, envText, context, stageFiles, stageKeys);
                    continue;
                }

                key = key is null ? null : Hash(key, envText, ins.Keyword + " " + ins.Arguments);
                if (ins.Keyword != "RUN")
                {
                    continue;
                }

                var entry = cacheRepository + ":" + key;
                var hit = key is not null && _pushed.TryGetValue(entry, out var at) && now - at <= ttl;
                if (key is not null && !hit)
                {
                    _pushed[entry] = now;
                }

                steps.Add(new KanikoCacheStep(stageName, ins.Line, ins.Arguments, key, hit));
                if (RecipeOutput(ins.Arguments) is { } recipePath)
                {
                    files[recipePath] = context is null ? null : Hash("recipe", RecipeInputs(context));
                }
            }

            stageKeys[stageName] = key;
            stageFiles[stageName] = files;
        }

        return steps;
    }

    private static string? CopyKey(string key, Instruction ins, string envText, IReadOnlyDictionary<string, byte[]>? context,
        Dictionary<string, Dictionary<string, string?>> stageFiles, Dictionary<string, string?> stageKeys)
    {
        var words = ContainerfileParser.Words(ins.Arguments);
        var from = words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..].ToLowerInvariant();
        var sources = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1).ToList();
        var content = new StringBuilder();
        if (from is null)
        {
            if (context is null)
            {
                return null;
            }

            foreach (var (path, bytes) in context.Where(f => sources.Any(src => Covers(src, f.Key))).OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                content.Append(path).Append('=').Append(Convert.ToHexStringLower(SHA256.HashData(bytes))).Append('\n');
            }
        }
        else
        {
            foreach (var src in sources)
            {
                var produced = stageFiles.TryGetValue(from, out var files) && files.TryGetValue(src, out var digest) ? digest : null;
                var fallback = stageKeys.TryGetValue(from, out var k) ? k : null;
                if ((produced ?? fallback) is not { } known)
                {
                    return null;
                }

                content.Append(src).Append('=').Append(known).Append('\n');
            }
        }

        return Hash(key, envText, "COPY " + ins.Arguments, content.ToString());
    }

    private static bool Covers(string source, string path)
    {
        var s = source.TrimStart('.', '/');
        return s.Length == 0 || path == s || path.StartsWith(s.TrimEnd('/') + "/", StringComparison.Ordinal);
    }

    /// <summary>The recipe path of <c>cargo chef prepare</c> (exec form), or null for another command.</summary>
    private static string? RecipeOutput(string runArguments)
    {
        if (!runArguments.TrimStart().StartsWith('['))
        {
            return null;
        }

        var words = ContainerfileParser.Words(runArguments.Trim('[', ']', ' ').Replace(",", " ", StringComparison.Ordinal));
        if (words.Count < 3 || words[0] != "cargo" || words[1] != "chef" || words[2] != "prepare")
        {
            return null;
        }

        var at = words.IndexOf("--recipe-path");
        return at >= 0 && at + 1 < words.Count ? words[at + 1] : "recipe.json";
    }

    private static string RecipeInputs(IReadOnlyDictionary<string, byte[]> context) =>
        string.Join("\n", context.Where(f => Path.GetFileName(f.Key) is "Cargo.toml" or "Cargo.lock").OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => f.Key + "=" + Convert.ToHexStringLower(SHA256.HashData(f.Value))));

    private static IEnumerable<(string, string)> EnvPairs(string arguments)
    {
        foreach (var w in ContainerfileParser.Words(arguments))
        {
            var eq = w.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                yield return (w[..eq], w[(eq + 1)..]);
            }
        }
    }

    private static string Hash(params string[] parts)
    {
        var sb = new StringBuilder();
        foreach (var p in parts)
        {
            sb.Append(p.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(p);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}

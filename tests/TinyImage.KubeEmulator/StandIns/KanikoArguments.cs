using System.Globalization;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// The Kaniko executor flags of a build Job, parsed the way Kaniko's command line reads them
/// (<c>--flag=value</c> or <c>--flag value</c>; booleans as <c>--flag</c> or <c>--flag=true|false</c>).
/// A flag the stand-in does not know, or cannot honour, is a failure: it must not accept what Kaniko would not do.
/// </summary>
/// <param name="Context">--context.</param>
/// <param name="Dockerfile">--dockerfile (default <c>Dockerfile</c> in the context).</param>
/// <param name="Destinations">--destination, repeatable.</param>
/// <param name="DigestFile">--digest-file, or null.</param>
/// <param name="Reproducible">--reproducible: timestamps stripped.</param>
/// <param name="Insecure">--insecure: plain HTTP to the registry allowed.</param>
/// <param name="SkipTlsVerify">--skip-tls-verify.</param>
/// <param name="Cache">--cache (accepted; the stand-in builds no layers it could cache).</param>
/// <param name="Labels">--label key=value, added to the image config.</param>
/// <remarks>--build-arg NAME=VALUE or a value-less NAME (then read from the executor's environment, as kaniko's
/// <c>resolveEnvironmentBuildArgs</c> does), --cache-repo, --cache-ttl (a Go duration such as 336h) and --ignore-path
/// are kept for the layer cache model and the snapshot rule.</remarks>
public sealed record KanikoArguments(
    string? Context,
    string Dockerfile,
    IReadOnlyList<string> Destinations,
    string? DigestFile,
    bool Reproducible,
    bool Insecure,
    bool SkipTlsVerify,
    bool Cache,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>--build-arg values by name.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>--cache-repo, or null.</summary>
    public string? CacheRepository { get; init; }

    /// <summary>--cache-ttl (kaniko's default: two weeks).</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromHours(336);

    /// <summary>--ignore-path values: never snapshotted.</summary>
    public IReadOnlyList<string> IgnorePaths { get; init; } = [];

    /// <summary>Boolean flags the stand-in honours or that have no effect on what it builds.</summary>
    private static readonly HashSet<string> BoolFlags =
    [
        "reproducible", "insecure", "skip-tls-verify", "insecure-pull", "skip-tls-verify-pull", "cache",
        "cache-copy-layers", "cache-run-layers", "compressed-caching", "single-snapshot", "use-new-run", "cleanup",
        "log-timestamp", "skip-unused-stages", "push-ignore-immutable-tag-errors",
    ];

    /// <summary>Flags with a value the stand-in honours or that have no effect on what it builds.</summary>
    private static readonly HashSet<string> ValueFlags =
    [
        "context", "dockerfile", "destination", "digest-file", "label", "cache-repo", "cache-dir", "cache-ttl",
        "snapshot-mode", "verbosity", "log-format", "push-retry", "image-fs-extract-retry", "ignore-path", "custom-platform",
        "kaniko-dir", "context-sub-path", "build-arg",
    ];

    /// <summary>Parses the container's args (Kaniko's image has the executor as entrypoint, so args are the flags).</summary>
    public static StandInResult<KanikoArguments> Parse(IReadOnlyList<string> args) => Parse(args, _ => null);

    /// <summary>Parses the flags; <paramref name="environment"/> is the executor's environment (value-less build args).</summary>
    public static StandInResult<KanikoArguments> Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var buildArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var ignorePaths = new List<string>();
        string? cacheRepo = null;
        TimeSpan? cacheTtl = null;
        ArgumentNullException.ThrowIfNull(args);
        string? context = null, dockerfile = null, digestFile = null;
        var destinations = new List<string>();
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var bools = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                return Fail($"argument '{a}' is not a flag (the Kaniko executor takes no positional arguments)");
            }

            var eq = a.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? a[2..] : a[2..eq];
            var inline = eq < 0 ? null : a[(eq + 1)..];
            if (BoolFlags.Contains(name))
            {
                if (inline is null || inline.Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    bools.Add(name);
                }
                else if (!inline.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    return Fail($"--{name}={inline}: not a boolean");
                }

                continue;
            }

            if (!ValueFlags.Contains(name))
            {
                return Fail($"unknown or unsupported Kaniko flag --{name}");
            }

            var value = inline;
            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    return Fail($"--{name} needs a value");
                }

                value = args[++i];
            }

            switch (name)
            {
                case "context":
                    context = value;
                    break;
                case "dockerfile":
                    dockerfile = value;
                    break;
                case "destination":
                    destinations.Add(value);
                    break;
                case "digest-file":
                    digestFile = value;
                    break;
                case "label":
                    var leq = value.IndexOf('=', StringComparison.Ordinal);
                    if (leq <= 0)
                    {
                        return Fail($"--label {value}: not key=value");
                    }

                    labels[value[..leq]] = value[(leq + 1)..];
                    break;
                case "build-arg":
                    var beq = value.IndexOf('=', StringComparison.Ordinal);
                    if (beq == 0)
                    {
                        return Fail($"--build-arg {value}: no name");
                    }

                    // kaniko's resolveEnvironmentBuildArgs: NAME alone takes the executor's variable of that name.
                    buildArgs[beq < 0 ? value : value[..beq]] = beq < 0 ? environment(value) ?? "" : value[(beq + 1)..];
                    break;
                case "cache-repo":
                    cacheRepo = value;
                    break;
                case "cache-ttl":
                    if (!TryParseGoDuration(value, out var ttl))
                    {
                        return Fail($"--cache-ttl={value}: not a duration such as 336h or 30m");
                    }

                    cacheTtl = ttl;
                    break;
                case "ignore-path":
                    ignorePaths.Add(value);
                    break;
                case "custom-platform":
                    if (value != "linux/amd64")
                    {
                        return Fail($"--custom-platform={value}: the stand-in builds linux/amd64 only");
                    }

                    break;
                case "push-retry":
                case "image-fs-extract-retry":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    {
                        return Fail($"--{name}={value}: not a number");
                    }

                    break;
                default:
                    break; // accepted, no effect on the image (cache, logging, snapshot tuning)
            }
        }

        if (destinations.Count == 0)
        {
            return Fail("no --destination (the stand-in does not support --no-push)");
        }

        return StandInResult<KanikoArguments>.Ok(new KanikoArguments(
            context,
            dockerfile ?? "Dockerfile",
            destinations,
            digestFile,
            bools.Contains("reproducible"),
            bools.Contains("insecure"),
            bools.Contains("skip-tls-verify"),
            bools.Contains("cache"),
            labels)
        {
            BuildArgs = buildArgs,
            CacheRepository = cacheRepo,
            CacheTtl = cacheTtl ?? TimeSpan.FromHours(336),
            IgnorePaths = ignorePaths,
        });
    }

    /// <summary>A Go duration of hours, minutes and seconds (<c>336h</c>, <c>1h30m</c>, <c>90s</c>).</summary>
    private static bool TryParseGoDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var m = System.Text.RegularExpressions.Regex.Match(text, "^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        if (!m.Success || text.Length == 0)
        {
            return false;
        }

        long Part(int i) => m.Groups[i].Success ? long.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
        duration = TimeSpan.FromHours(Part(1)) + TimeSpan.FromMinutes(Part(2)) + TimeSpan.FromSeconds(Part(3));
        return true;
    }

    private static StandInResult<KanikoArguments> Fail(string message) => StandInResult<KanikoArguments>.Fail("kaniko: " + message);
}

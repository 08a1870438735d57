using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace TinyImage.Operator.Building;

/// <summary>
/// Defence in depth for every spec string that reaches a Containerfile, a command line, a volume path or a label:
/// the builders check again with the <see cref="Api.V1Alpha1.Patterns"/> regexes, so even a spec that skipped the
/// API server's schema and the spec validator can never inject an instruction or a shell word.
/// </summary>
/// <remarks>
/// A match must cover the whole value: .NET's <c>$</c> also matches before a final <c>\n</c>, so
/// <c>^[a-z]+$</c> alone would accept <c>"abc\n"</c>.
/// </remarks>
internal static class SafeValue
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="pattern"/> matches all of <paramref name="value"/>.</summary>
    public static bool Matches(string value, string pattern)
    {
        var regex = Cache.GetOrAdd(pattern, static p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        var match = regex.Match(value);
        return match.Success && match.Index == 0 && match.Length == value.Length;
    }

    /// <summary>Checks an optional (or, with <paramref name="required"/>, mandatory) string against a pattern and a length.</summary>
    public static void Check(ICollection<SpecProblem> problems, string path, string? value, string pattern, int maxLength, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                problems.Add(new SpecProblem(path, "required"));
            }

            return;
        }

        if (value.Length == 0 && required)
        {
            problems.Add(new SpecProblem(path, "required (must not be empty)"));
            return;
        }

        if (value.Length > maxLength)
        {
            problems.Add(new SpecProblem(path, "must be at most " + maxLength + " characters"));
            return;
        }

        if (!Matches(value, pattern))
        {
            problems.Add(new SpecProblem(path, "must match " + pattern));
        }
    }

    /// <summary>
    /// A relative path (git subPath, ConfigMap item path): the pattern, and no <c>.</c>, <c>..</c> or empty segment,
    /// no segment starting with <c>-</c>.
    /// </summary>
    public static void CheckRelativePath(ICollection<SpecProblem> problems, string path, string? value, string pattern, int maxLength, bool required = false)
    {
        var before = problems.Count;
        Check(problems, path, value, pattern, maxLength, required);
        if (problems.Count != before || string.IsNullOrEmpty(value))
        {
            return;
        }

        foreach (var segment in value.Split('/'))
        {
            if (segment is "." or ".." || segment.Length == 0)
            {
                problems.Add(new SpecProblem(path, "must not contain '.', '..' or empty segments"));
                return;
            }

            if (segment[0] == '-')
            {
                problems.Add(new SpecProblem(path, "no segment may start with '-'"));
                return;
            }
        }
    }

    /// <summary>A git branch or tag: the pattern, no <c>..</c>, no <c>//</c>, no trailing <c>/</c> or <c>.lock</c> (git check-ref-format).</summary>
    public static void CheckGitRefName(ICollection<SpecProblem> problems, string path, string? value, string pattern, int maxLength)
    {
        var before = problems.Count;
        Check(problems, path, value, pattern, maxLength);
        if (problems.Count != before || value is null)
        {
            return;
        }

        if (value.Contains("..", StringComparison.Ordinal) || value.Contains("//", StringComparison.Ordinal) ||
            value.EndsWith('/') || value.EndsWith(".lock", StringComparison.Ordinal))
        {
            problems.Add(new SpecProblem(path, "must be a valid git ref name (no '..', '//', trailing '/' or '.lock')"));
        }
    }

    /// <summary>The value must be one of <paramref name="allowed"/>.</summary>
    public static void CheckEnum(ICollection<SpecProblem> problems, string path, string? value, params string[] allowed)
    {
        if (value is null || !allowed.Contains(value, StringComparer.Ordinal))
        {
            problems.Add(new SpecProblem(path, "must be one of " + string.Join(", ", allowed)));
        }
    }

    /// <summary>The number must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void CheckRange(ICollection<SpecProblem> problems, string path, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            problems.Add(new SpecProblem(path, "must be between " + min + " and " + max));
        }
    }
}

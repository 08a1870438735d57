namespace TinyImage.Advisories;

/// <summary>
/// A version requirement as Cargo and the RustSec database write them (<c>&gt;= 1.2.3, &lt; 1.3.0</c>, <c>^0.9</c>,
/// <c>~1.2</c>, <c>1.*</c>, <c>*</c>; a bare <c>1.2</c> means <c>^1.2</c>): comma-separated comparators that must all
/// hold. Parsed and evaluated as the <c>semver</c> crate's <c>VersionReq</c>, pre-release rule included: a
/// pre-release version satisfies a requirement only when some comparator names a pre-release of the same
/// major.minor.patch.
/// </summary>
public sealed class VersionRequirement
{
    private VersionRequirement(string text, IReadOnlyList<Comparator> comparators)
    {
        Text = text;
        Comparators = comparators;
    }

    /// <summary>The requirement as written.</summary>
    public string Text { get; }

    /// <summary>The comparators, all of which must hold; empty for <c>*</c>.</summary>
    public IReadOnlyList<Comparator> Comparators { get; }

    /// <summary>Parses a requirement, throwing <see cref="FormatException"/> when it is not one.</summary>
    public static VersionRequirement Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var requirement, out var error)
            ? requirement
            : throw new FormatException($"'{text}' is not a version requirement: {error}");
    }

    /// <summary>Parses a requirement; false with the reason when it is not one.</summary>
    public static bool TryParse(
        string? text,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VersionRequirement? requirement,
        out string error)
    {
        requirement = null;
        if (text is null)
        {
            error = "null";
            return false;
        }

        var s = text.AsSpan().TrimStart(' ');
        if (s.Length > 0 && IsWildcard(s[0]) && s[1..].Trim(' ').IsEmpty)
        {
            requirement = new VersionRequirement(text, []);
            error = string.Empty;
            return true;
        }

        var comparators = new List<Comparator>();
        while (true)
        {
            if (!TryComparator(ref s, out var comparator, out error))
            {
                return false;
            }

            comparators.Add(comparator);
            s = s.TrimStart(' ');
            if (s.IsEmpty)
            {
                break;
            }

            if (s[0] != ',')
            {
                error = $"unexpected '{s[0]}', a comma was expected";
                return false;
            }

            s = s[1..].TrimStart(' ');
        }

        requirement = new VersionRequirement(text, comparators);
        return true;
    }

    /// <summary>Whether the version satisfies every comparator, with the pre-release rule (<c>matches_req</c>).</summary>
    public bool Matches(SemVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var comparators = Comparators;
        for (var i = 0; i < comparators.Count; i++)
        {
            if (!comparators[i].MatchesIgnoringPrerelease(version))
            {
                return false;
            }
        }

        if (!version.IsPrerelease)
        {
            return true;
        }

        for (var i = 0; i < comparators.Count; i++)
        {
            if (comparators[i].AllowsPrereleaseOf(version))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static bool IsWildcard(char c) => c is '*' or 'x' or 'X';

    private static bool TryComparator(ref ReadOnlySpan<char> s, out Comparator comparator, out string error)
    {
        comparator = null!;
        var (op, explicitOp) = ReadOp(ref s);
        s = s.TrimStart(' ');
        if (!SemverText.TryNumber(ref s, out var major, out error))
        {
            return false;
        }

        ulong? minor = null;
        ulong? patch = null;
        var wildcard = false;
        if (s.Length > 0 && s[0] == '.')
        {
            s = s[1..];
            if (s.Length > 0 && IsWildcard(s[0]))
            {
                s = s[1..];
                wildcard = true;
                op = explicitOp ? op : ComparatorOp.Wildcard;
            }
            else if (SemverText.TryNumber(ref s, out var m, out error))
            {
                minor = m;
            }
            else
            {
                return false;
            }

            if (s.Length > 0 && s[0] == '.')
            {
                s = s[1..];
                if (s.Length > 0 && IsWildcard(s[0]))
                {
                    s = s[1..];
                    op = explicitOp ? op : ComparatorOp.Wildcard;
                }
                else if (wildcard)
                {
                    error = "a number after a wildcard";
                    return false;
                }
                else if (SemverText.TryNumber(ref s, out var p, out error))
                {
                    patch = p;
                }
                else
                {
                    return false;
                }
            }
        }

        var pre = Prerelease.Empty;
        if (patch is not null && s.Length > 0 && s[0] == '-')
        {
            s = s[1..];
            if (!Prerelease.TryParse(ref s, out pre, out error))
            {
                return false;
            }
        }

        if (patch is not null && s.Length > 0 && s[0] == '+')
        {
            s = s[1..];
            if (!SemverText.TryBuild(ref s, out _, out error))
            {
                return false;
            }
        }

        comparator = new Comparator(op, major, minor, patch, pre);
        error = string.Empty;
        return true;
    }

    private static (ComparatorOp Op, bool Explicit) ReadOp(ref ReadOnlySpan<char> s)
    {
        (ComparatorOp, int)? found = s switch
        {
            ['>', '=', ..] => (ComparatorOp.GreaterEq, 2),
            ['<', '=', ..] => (ComparatorOp.LessEq, 2),
            ['>', ..] => (ComparatorOp.Greater, 1),
            ['<', ..] => (ComparatorOp.Less, 1),
            ['=', ..] => (ComparatorOp.Exact, 1),
            ['~', ..] => (ComparatorOp.Tilde, 1),
            ['^', ..] => (ComparatorOp.Caret, 1),
            _ => null,
        };
        if (found is not { } f)
        {
            return (ComparatorOp.Caret, false);
        }

        s = s[f.Item2..];
        return (f.Item1, true);
    }
}

namespace TinyImage.Advisories;

/// <summary>
/// One comparator of a requirement (<c>&gt;= 1.2.3</c>), evaluated as the <c>semver</c> crate's <c>eval.rs</c>
/// does; <see cref="Minor"/> and <see cref="Patch"/> are null when the requirement leaves them out.
/// </summary>
public sealed class Comparator
{
    internal Comparator(ComparatorOp op, ulong major, ulong? minor, ulong? patch, Prerelease pre)
    {
        Op = op;
        Major = major;
        Minor = minor;
        Patch = patch;
        Pre = pre;
    }

    /// <summary>The operator.</summary>
    public ComparatorOp Op { get; }

    /// <summary>The major version.</summary>
    public ulong Major { get; }

    /// <summary>The minor version, or null when left out.</summary>
    public ulong? Minor { get; }

    /// <summary>The patch version, or null when left out.</summary>
    public ulong? Patch { get; }

    /// <summary>The pre-release text, empty when none.</summary>
    public string Prerelease => Pre.Text;

    internal Prerelease Pre { get; }

    /// <summary>Whether the version satisfies this comparator alone, pre-release rule included.</summary>
    public bool Matches(SemVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return MatchesIgnoringPrerelease(version) && (!version.IsPrerelease || AllowsPrereleaseOf(version));
    }

    /// <summary>
    /// The comparison alone, without the pre-release rule (<c>matches_impl</c>).
    /// </summary>
    internal bool MatchesIgnoringPrerelease(SemVersion v) => Op switch
    {
        ComparatorOp.Exact or ComparatorOp.Wildcard => MatchesExact(v),
        ComparatorOp.Greater => MatchesGreater(v),
        ComparatorOp.GreaterEq => MatchesExact(v) || MatchesGreater(v),
        ComparatorOp.Less => MatchesLess(v),
        ComparatorOp.LessEq => MatchesExact(v) || MatchesLess(v),
        ComparatorOp.Tilde => MatchesTilde(v),
        ComparatorOp.Caret => MatchesCaret(v),
        _ => false,
    };

    /// <summary>
    /// A pre-release version may satisfy a requirement only through a comparator that names a pre-release of the same
    /// major.minor.patch (<c>pre_is_compatible</c>).
    /// </summary>
    internal bool AllowsPrereleaseOf(SemVersion v) =>
        Major == v.Major && Minor == v.Minor && Patch == v.Patch && !Pre.IsEmpty;

    /// <inheritdoc />
    public override string ToString()
    {
        var op = Op switch
        {
            ComparatorOp.Exact => "=",
            ComparatorOp.Greater => ">",
            ComparatorOp.GreaterEq => ">=",
            ComparatorOp.Less => "<",
            ComparatorOp.LessEq => "<=",
            ComparatorOp.Tilde => "~",
            ComparatorOp.Caret => "^",
            _ => string.Empty,
        };
        var text = op + Major;
        if (Minor is { } minor)
        {
            text += "." + minor;
        }
        else if (Op == ComparatorOp.Wildcard)
        {
            return text + ".*";
        }

        if (Patch is { } patch)
        {
            text += "." + patch;
        }
        else if (Op == ComparatorOp.Wildcard)
        {
            return text + ".*";
        }

        return Pre.IsEmpty ? text : text + "-" + Pre.Text;
    }

    private bool MatchesExact(SemVersion v) =>
        v.Major == Major
        && (Minor is not { } minor || v.Minor == minor)
        && (Patch is not { } patch || v.Patch == patch)
        && v.Pre.CompareTo(Pre) == 0;

    private bool MatchesGreater(SemVersion v)
    {
        if (v.Major != Major)
        {
            return v.Major > Major;
        }

        if (Minor is not { } minor)
        {
            return false;
        }

        if (v.Minor != minor)
        {
            return v.Minor > minor;
        }

        if (Patch is not { } patch)
        {
            return false;
        }

        return v.Patch != patch ? v.Patch > patch : v.Pre.CompareTo(Pre) > 0;
    }

    private bool MatchesLess(SemVersion v)
    {
        if (v.Major != Major)
        {
            return v.Major < Major;
        }

        if (Minor is not { } minor)
        {
            return false;
        }

        if (v.Minor != minor)
        {
            return v.Minor < minor;
        }

        if (Patch is not { } patch)
        {
            return false;
        }

        return v.Patch != patch ? v.Patch < patch : v.Pre.CompareTo(Pre) < 0;
    }

    private bool MatchesTilde(SemVersion v)
    {
        if (v.Major != Major)
        {
            return false;
        }

        if (Minor is { } minor && v.Minor != minor)
        {
            return false;
        }

        if (Patch is { } patch && v.Patch != patch)
        {
            return v.Patch > patch;
        }

        return v.Pre.CompareTo(Pre) >= 0;
    }

    private bool MatchesCaret(SemVersion v)
    {
        if (v.Major != Major)
        {
            return false;
        }

        if (Minor is not { } minor)
        {
            return true;
        }

        if (Patch is not { } patch)
        {
            return Major > 0 ? v.Minor >= minor : v.Minor == minor;
        }

        if (Major > 0)
        {
            if (v.Minor != minor)
            {
                return v.Minor > minor;
            }

            if (v.Patch != patch)
            {
                return v.Patch > patch;
            }
        }
        else if (minor > 0)
        {
            if (v.Minor != minor)
            {
                return false;
            }

            if (v.Patch != patch)
            {
                return v.Patch > patch;
            }
        }
        else if (v.Minor != minor || v.Patch != patch)
        {
            return false;
        }

        return v.Pre.CompareTo(Pre) >= 0;
    }
}

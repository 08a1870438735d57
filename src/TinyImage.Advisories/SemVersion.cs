using System.Globalization;

namespace TinyImage.Advisories;

/// <summary>
/// A version by the rules of Semantic Versioning 2.0 as Cargo reads them (the <c>semver</c> crate's
/// <c>Version::parse</c>): <c>MAJOR.MINOR.PATCH</c>, an optional pre-release after <c>-</c> and optional build
/// metadata after <c>+</c> (kept, but ignored by ordering and matching); no leading zeros, no <c>v</c> prefix.
/// </summary>
public sealed class SemVersion : IComparable<SemVersion>, IEquatable<SemVersion>
{
    private SemVersion(ulong major, ulong minor, ulong patch, Prerelease pre, string build)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        Pre = pre;
        Build = build;
    }

    /// <summary>The major version.</summary>
    public ulong Major { get; }

    /// <summary>The minor version.</summary>
    public ulong Minor { get; }

    /// <summary>The patch version.</summary>
    public ulong Patch { get; }

    /// <summary>The pre-release identifiers, empty for a release.</summary>
    internal Prerelease Pre { get; }

    /// <summary>The pre-release text (<c>alpha.1</c>), empty for a release.</summary>
    public string Prerelease => Pre.Text;

    /// <summary>The build metadata, empty when absent; it takes no part in ordering or matching.</summary>
    public string Build { get; }

    /// <summary>Whether the version carries a pre-release.</summary>
    public bool IsPrerelease => !Pre.IsEmpty;

    /// <summary>Parses a version, throwing <see cref="FormatException"/> when it is not one.</summary>
    public static SemVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var version, out var error) ? version : throw new FormatException($"'{text}' is not a semantic version: {error}");
    }

    /// <summary>Parses a version; false when it is not one.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SemVersion? version) =>
        TryParse(text, out version, out _);

    private static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SemVersion? version, out string error)
    {
        version = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "empty";
            return false;
        }

        var s = text.AsSpan();
        if (!SemverText.TryNumber(ref s, out var major, out error) || !SemverText.TryDot(ref s, out error)
            || !SemverText.TryNumber(ref s, out var minor, out error) || !SemverText.TryDot(ref s, out error)
            || !SemverText.TryNumber(ref s, out var patch, out error))
        {
            return false;
        }

        var pre = Advisories.Prerelease.Empty;
        if (s.Length > 0 && s[0] == '-')
        {
            s = s[1..];
            if (!Advisories.Prerelease.TryParse(ref s, out pre, out error))
            {
                return false;
            }
        }

        var build = string.Empty;
        if (s.Length > 0 && s[0] == '+')
        {
            s = s[1..];
            if (!SemverText.TryBuild(ref s, out build, out error))
            {
                return false;
            }
        }

        if (s.Length > 0)
        {
            error = $"unexpected '{s[0]}'";
            return false;
        }

        version = new SemVersion(major, minor, patch, pre, build);
        error = string.Empty;
        return true;
    }

    /// <inheritdoc />
    public int CompareTo(SemVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        if (c == 0)
        {
            c = Minor.CompareTo(other.Minor);
        }

        if (c == 0)
        {
            c = Patch.CompareTo(other.Patch);
        }

        return c != 0 ? c : Pre.CompareTo(other.Pre);
    }

    /// <inheritdoc />
    public bool Equals(SemVersion? other) => other is not null && CompareTo(other) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SemVersion v && Equals(v);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch, Pre.Text);

    /// <inheritdoc />
    public override string ToString()
    {
        var core = string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");
        var withPre = Pre.IsEmpty ? core : core + "-" + Pre.Text;
        return Build.Length == 0 ? withPre : withPre + "+" + Build;
    }

    /// <summary>Ordering by precedence (build metadata ignored).</summary>
    public static bool operator <(SemVersion left, SemVersion right) => Compare(left, right) < 0;

    /// <summary>Ordering by precedence (build metadata ignored).</summary>
    public static bool operator >(SemVersion left, SemVersion right) => Compare(left, right) > 0;

    /// <summary>Ordering by precedence (build metadata ignored).</summary>
    public static bool operator <=(SemVersion left, SemVersion right) => Compare(left, right) <= 0;

    /// <summary>Ordering by precedence (build metadata ignored).</summary>
    public static bool operator >=(SemVersion left, SemVersion right) => Compare(left, right) >= 0;

    /// <summary>Equality by precedence (build metadata ignored).</summary>
    public static bool operator ==(SemVersion? left, SemVersion? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality by precedence (build metadata ignored).</summary>
    public static bool operator !=(SemVersion? left, SemVersion? right) => !(left == right);

    private static int Compare(SemVersion left, SemVersion right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.CompareTo(right);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace TinyImage.Advisories.Tests;

/// <summary>
/// An independent, deliberately plain evaluation of version requirements for the boundary tests: each comparator is
/// rewritten into an interval of versions as Cargo's documentation describes them (<c>^1.2.3</c> is
/// <c>&gt;=1.2.3, &lt;2.0.0</c>, <c>~1.2</c> is <c>&gt;=1.2.0, &lt;1.3.0</c>, ...; an exclusive upper bound that a
/// rewrite introduces excludes that version's pre-releases too), versions are compared by SemVer precedence, and a
/// pre-release version is allowed only when some comparator names a pre-release of the same major.minor.patch.
/// One quirk of the semver crate is written out as such: <c>=</c>, <c>&gt;=</c>, <c>&lt;=</c> and <c>~</c> with the
/// patch left out never match a pre-release of the part they name (<c>&gt;=1.2</c> matches no <c>1.2.x-pre</c>), while
/// a caret with the patch left out ignores pre-releases (<c>^2.3</c> holds for <c>2.3.0-alpha</c>, which then still
/// needs another comparator naming a 2.3.0 pre-release).
/// </summary>
internal static partial class ReferenceSemver
{
    public sealed record V(ulong Major, ulong Minor, ulong Patch, string[] Pre)
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}") + (Pre.Length == 0 ? string.Empty : "-" + string.Join('.', Pre));
    }

    private sealed record Bound(V Version, bool Inclusive);

    /// <param name="PartialNamed">For <c>=</c>, <c>&gt;=</c>, <c>&lt;=</c> and <c>~</c> with the patch left out: the
    /// named parts (major, or major.minor), whose pre-releases the comparator never matches (the semver crate compares
    /// the pre-release for equality there, and a left-out patch has none).</param>
    private sealed record Interval(Bound? Lower, Bound? Upper, V? PrereleaseOf, (ulong Major, ulong? Minor)? PartialNamed = null);

    [GeneratedRegex(@"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^\s*(>=|<=|>|<|=|~|\^)?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?\s*$")]
    private static partial Regex ComparatorPattern();

    public static V ParseVersion(string text)
    {
        var m = VersionPattern().Match(text);
        if (!m.Success)
        {
            throw new FormatException(text);
        }

        return new V(ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), m.Groups[4].Success ? m.Groups[4].Value.Split('.') : []);
    }

    public static int Compare(V a, V b)
    {
        var c = (a.Major, a.Minor, a.Patch).CompareTo((b.Major, b.Minor, b.Patch));
        if (c != 0)
        {
            return c;
        }

        // A release is greater than any of its pre-releases.
        if (a.Pre.Length == 0 || b.Pre.Length == 0)
        {
            return a.Pre.Length == b.Pre.Length ? 0 : a.Pre.Length == 0 ? 1 : -1;
        }

        for (var i = 0; i < Math.Min(a.Pre.Length, b.Pre.Length); i++)
        {
            var x = a.Pre[i];
            var y = b.Pre[i];
            var xn = ulong.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var xv);
            var yn = ulong.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var yv);
            var d = (xn, yn) switch
            {
                (true, true) => xv.CompareTo(yv),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(x, y),
            };
            if (d != 0)
            {
                return d;
            }
        }

        return a.Pre.Length.CompareTo(b.Pre.Length);
    }

    /// <summary>Whether the version satisfies the requirement text.</summary>
    public static bool Matches(string requirement, V v)
    {
        var intervals = requirement.Trim() is "*" ? [] : requirement.Split(',').Select(ToInterval).ToList();
        if (!intervals.All(i => Inside(i, v)))
        {
            return false;
        }

        return v.Pre.Length == 0 || intervals.Any(i => i.PrereleaseOf is { } p && (p.Major, p.Minor, p.Patch) == (v.Major, v.Minor, v.Patch));
    }

    /// <summary>The versions at and around each comparator of a requirement.</summary>
    public static IEnumerable<V> BoundaryVersions(string requirement)
    {
        if (requirement.Trim() is "*")
        {
            yield break;
        }

        foreach (var part in requirement.Split(','))
        {
            var m = ComparatorPattern().Match(part);
            var major = ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var minor = m.Groups[3].Success ? ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
            var patch = m.Groups[4].Success ? ulong.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) : 0;
            string[] pre = m.Groups[5].Success ? m.Groups[5].Value.Split('.') : [];

            yield return new V(major, minor, patch, []);
            yield return new V(major, minor, patch, ["0"]);
            yield return new V(major, minor, patch, ["alpha", "1"]);
            if (pre.Length > 0)
            {
                yield return new V(major, minor, patch, pre);
                yield return new V(major, minor, patch, [.. pre, "0"]);
            }

            // Just below.
            if (patch > 0)
            {
                yield return new V(major, minor, patch - 1, []);
            }

            if (minor > 0)
            {
                yield return new V(major, minor - 1, 99, []);
            }

            if (major > 0)
            {
                yield return new V(major - 1, 99, 99, []);
            }

            // Just above.
            yield return new V(major, minor, patch + 1, []);
            yield return new V(major, minor, patch + 1, ["0"]);
            yield return new V(major, minor + 1, 0, []);
            yield return new V(major, minor + 1, 0, ["rc", "1"]);
            yield return new V(major + 1, 0, 0, []);
        }
    }

    private static bool Inside(Interval i, V v) =>
        !(v.Pre.Length > 0 && i.PartialNamed is { } named && named.Major == v.Major && (named.Minor is not { } mi || mi == v.Minor))
        && (i.Lower is not { } lo || (lo.Inclusive ? Compare(v, lo.Version) >= 0 : Compare(v, lo.Version) > 0))
        && (i.Upper is not { } hi || (hi.Inclusive ? Compare(v, hi.Version) <= 0 : Compare(v, hi.Version) < 0));

    private static Interval ToInterval(string comparator)
    {
        var m = ComparatorPattern().Match(comparator);
        if (!m.Success)
        {
            throw new FormatException($"the reference does not read '{comparator}'");
        }

        var op = m.Groups[1].Success ? m.Groups[1].Value : "^";
        var major = ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        ulong? minor = m.Groups[3].Success ? ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : null;
        ulong? patch = m.Groups[4].Success ? ulong.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) : null;
        string[] pre = m.Groups[5].Success ? m.Groups[5].Value.Split('.') : [];
        var full = new V(major, minor ?? 0, patch ?? 0, pre);
        var preOf = pre.Length > 0 ? full : null;

        // The first version above the part the comparator names (1.2 -> 1.3.0-0, 1 -> 2.0.0-0, 1.2.3 -> 1.2.4-0).
        V NextAfterNamed() => patch is not null ? new V(major, minor!.Value, patch.Value + 1, ["0"])
            : minor is not null ? new V(major, minor.Value + 1, 0, ["0"])
            : new V(major + 1, 0, 0, ["0"]);
        Bound From(V v) => new(v, true);
        Bound Below(V v) => new(v, false);

        var interval = op switch
        {
            "=" => patch is not null ? new Interval(From(full), From(full), preOf) : new Interval(From(full), Below(NextAfterNamed()), preOf),
            ">=" => new Interval(From(full), null, preOf),
            ">" => patch is not null ? new Interval(new Bound(full, false), null, preOf) : new Interval(From(NextAfterNamed()), null, preOf),
            "<" => new Interval(null, Below(patch is not null ? full : new V(major, minor ?? 0, 0, ["0"])), preOf),
            "<=" => patch is not null ? new Interval(null, From(full), preOf) : new Interval(null, Below(NextAfterNamed()), preOf),
            "~" => new Interval(From(full), Below(minor is not null ? new V(major, minor.Value + 1, 0, ["0"]) : new V(major + 1, 0, 0, ["0"])), preOf),
            // A caret with the patch left out compares no pre-release: its range starts at the named part's lowest version.
            _ => new Interval(From(patch is not null ? full : new V(major, minor ?? 0, 0, ["0"])), Below(CaretUpper(major, minor, patch)), preOf),
        };
        return patch is null && op is "=" or ">=" or "<=" or "~" ? interval with { PartialNamed = (major, minor) } : interval;
    }

    private static V CaretUpper(ulong major, ulong? minor, ulong? patch) =>
        major > 0 || minor is null ? new V(major + 1, 0, 0, ["0"])
        : minor > 0 || patch is null ? new V(0, minor.Value + 1, 0, ["0"])
        : new V(0, 0, patch.Value + 1, ["0"]);
}

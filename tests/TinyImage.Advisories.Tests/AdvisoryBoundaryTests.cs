using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace TinyImage.Advisories.Tests;

/// <summary>
/// The matcher against an independent evaluation (<see cref="ReferenceSemver"/>): exhaustively at the boundary
/// versions of every advisory of the snapshot, and on random requirements and versions.
/// </summary>
public sealed class AdvisoryBoundaryTests
{
    [Fact]
    public async Task Every_Advisory_Of_The_Snapshot_Agrees_With_The_Reference_At_The_Boundaries_Of_Its_Ranges()
    {
        var db = await Snapshot.LoadAsync();
        var disagreements = new List<string>();
        var checkedVersions = 0;
        var affectedSeen = 0;
        foreach (var advisory in db.Advisories)
        {
            var requirements = advisory.Patched.Concat(advisory.Unaffected).Select(r => r.Text).ToList();
            var versions = requirements.SelectMany(ReferenceSemver.BoundaryVersions)
                .Append(new ReferenceSemver.V(0, 0, 0, []))
                .DistinctBy(v => v.ToString());
            foreach (var v in versions)
            {
                var expected = !advisory.IsWithdrawn && !requirements.Any(r => ReferenceSemver.Matches(r, v));
                var actual = advisory.Affects(SemVersion.Parse(v.ToString()));
                checkedVersions++;
                affectedSeen += actual ? 1 : 0;
                if (expected != actual)
                {
                    disagreements.Add($"{advisory.Id} [{string.Join(" | ", requirements)}] {v}: reference {expected}, matcher {actual}");
                }
            }
        }

        Assert.True(disagreements.Count == 0, string.Join('\n', disagreements.Take(30)));
        Assert.True(checkedVersions > 10 * db.Count, $"only {checkedVersions} versions checked");
        Assert.InRange(affectedSeen, checkedVersions / 10, checkedVersions - (checkedVersions / 10));
    }

    [Fact]
    public void Random_Requirements_And_Versions_Agree_With_The_Reference()
    {
        var number = Gen.Choose(0, 3).Select(i => (ulong)i);
        var pre = Gen.Elements<string[]>([], [], [], ["0"], ["alpha"], ["alpha", "1"], ["beta"], ["rc", "2"]);
        var version =
            from major in number
            from minor in number
            from patch in number
            from p in pre
            select new ReferenceSemver.V(major, minor, patch, p);
        var comparator =
            from op in Gen.Elements("", "=", ">", ">=", "<", "<=", "~", "^")
            from parts in Gen.Choose(1, 3)
            from v in version
            select op + v.Major
                + (parts >= 2 ? "." + v.Minor : string.Empty)
                + (parts == 3 ? "." + v.Patch + (v.Pre.Length > 0 ? "-" + string.Join('.', v.Pre) : string.Empty) : string.Empty);
        var requirement = Gen.Choose(1, 2).SelectMany(n => Gen.ArrayOf(comparator, n)).Select(cs => string.Join(", ", cs));
        var cases =
            from r in requirement
            from v in version
            select (Requirement: r, Version: v);

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(20000),
            Prop.ForAll(cases.ToArbitrary(), c =>
                ReferenceSemver.Matches(c.Requirement, c.Version) == VersionRequirement.Parse(c.Requirement).Matches(SemVersion.Parse(c.Version.ToString())))
                .Label("requirement and version agree"));
    }
}

using System.Text;
using k8s.Models;
using TinyImage.Advisories;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Verification;
using TinyImage.Sbom;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>
/// <see cref="AdvisoryReaudit"/>: the serving image's kept package list re-audited against a changed database, under the
/// TinyImage's policy, and rebuilt after a restart from the SBOM ConfigMap the operator wrote (no registry involved at all:
/// the component has no way to pull). The databases are small ones written to temporary folders.
/// </summary>
public sealed class AdvisoryReauditTests : IDisposable
{
    private const string Uid = "0b5e6f3a-1111-4c1e-9d6e-000000000001";
    private static readonly string Served = "sha256:" + new string('a', 64);
    private static readonly DateTimeOffset Now = new(2031, 3, 31, 12, 0, 0, TimeSpan.Zero);
    private readonly List<string> roots = [];

    public void Dispose()
    {
        foreach (var root in roots)
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A database with one advisory per (package, id, extra front matter); patched from 2.0.0.</summary>
    private async Task<AdvisoryDatabase> DatabaseAsync(params (string Package, string Id, string Extra)[] advisories)
    {
        var root = Path.Combine(Path.GetTempPath(), "reaudit-" + Guid.NewGuid().ToString("n"));
        roots.Add(root);
        Directory.CreateDirectory(Path.Combine(root, "crates", "unrelated"));
        File.WriteAllText(
            Path.Combine(root, "crates", "unrelated", "RUSTSEC-2019-0001.md"),
            "```toml\n[advisory]\nid = \"RUSTSEC-2019-0001\"\npackage = \"unrelated\"\ndate = \"2019-01-01\"\n\n[versions]\npatched = [\">= 1.0.0\"]\n```\n\n# unrelated\n");
        foreach (var (package, id, extra) in advisories)
        {
            var dir = Directory.CreateDirectory(Path.Combine(root, "crates", package)).FullName;
            File.WriteAllText(
                Path.Combine(dir, id + ".md"),
                $"```toml\n[advisory]\nid = \"{id}\"\npackage = \"{package}\"\ndate = \"2020-01-01\"\n{extra}\n[versions]\npatched = [\">= 2.0.0\"]\n```\n\n# {id}\n");
        }

        return await AdvisoryDatabase.LoadFromDirectoryAsync(root, TestContext.Current.CancellationToken);
    }

    private static TinyImageResource TinyImage(AdvisoriesSpec? advisories) => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "demo", Uid = Uid },
        Spec = new TinyImageSpec { Binary = "hello", Verify = new VerifySpec { Advisories = advisories } },
        Status = new TinyImageStatus
        {
            Conditions = [],
            Image = new ImageStatus { Digest = Served },
            Serving = new ServingStatus { Digest = Served },
            Sbom = new SbomStatus { PackageCount = 3 },
        },
    };

    private static string Bom(string digest) => CycloneDxWriter.Write(
        AuditJsonParser.Parse(Encoding.UTF8.GetBytes(
            """{"packages":[{"name":"alpha","version":"1.0.0","source":"crates.io"},{"name":"beta","version":"1.5.0","source":"crates.io"},{"name":"hello","version":"0.1.0","source":"local","dependencies":[0,1],"root":true}]}""")).Value!,
        new ImageFacts("registry.local/team/hello", digest, 1234, 1, []));

    /// <summary>The SBOM ConfigMap as VerifyReconciler writes it: controlled by the TinyImage, annotated with the verified digest.</summary>
    private static V1ConfigMap SbomConfigMap(string digest, string ownerUid = Uid) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "hello-sbom",
            NamespaceProperty = "demo",
            Annotations = new Dictionary<string, string> { [VerifyReconciler.VerifiedDigestAnnotation] = digest },
            OwnerReferences = [new V1OwnerReference { ApiVersion = "tinyimage.dev/v1alpha1", Kind = "TinyImage", Name = "hello", Uid = ownerUid, Controller = true }],
        },
        Data = new Dictionary<string, string> { [VerifyReconciler.SbomKey] = Bom(digest) },
    };

    /// <summary>A re-audit that knows the serving digest's list, as after its verification.</summary>
    private static AdvisoryReaudit Verified()
    {
        var reaudit = new AdvisoryReaudit(null);
        Assert.NotNull(reaudit.Store.Remember(Served, Bom(Served)));
        return reaudit;
    }

    /// <summary>Writes the outcome into the status as the advisories step does.</summary>
    private static void Show(TinyImageResource tinyImage, VulnerabilityOutcome outcome)
    {
        ConditionSet.Set(tinyImage.Status!.Conditions!, Conditions.Vulnerable, outcome.Status, outcome.Reason, outcome.Message, 1, Now);
        tinyImage.Status.Sbom!.Advisories = outcome.Summary;
    }

    private static IReadOnlyList<ObjectKey> ReauditAll(AdvisoryReaudit reaudit, TinyImageResource tinyImage, AdvisoryDatabase database, DateTimeOffset? now = null, V1ConfigMap? sbom = null) =>
        reaudit.ReauditAll([tinyImage], (_, _) => sbom, database, now ?? Now);

    [Fact]
    public async Task A_New_Advisory_Matching_A_Kept_Package_Makes_The_Serving_Image_Vulnerable_And_The_TinyImage_Is_Returned()
    {
        var reaudit = Verified();
        var tinyImage = TinyImage(new AdvisoriesSpec());
        var before = await DatabaseAsync();
        Show(tinyImage, reaudit.Evaluate(tinyImage, tinyImage.Status, null, before, Now)!);
        Assert.Equal(Conditions.ReasonNoKnownAdvisories, tinyImage.Status!.Conditions![0].Reason);
        Assert.Empty(ReauditAll(reaudit, tinyImage, before));

        var after = await DatabaseAsync(("alpha", "RUSTSEC-2031-0001", ""));
        var changed = ReauditAll(reaudit, tinyImage, after);

        Assert.Equal([new ObjectKey("demo", "hello")], changed);
        var outcome = reaudit.Evaluate(tinyImage, tinyImage.Status, null, after, Now)!;
        Assert.Equal((Conditions.True, Conditions.ReasonAdvisoriesFound), (outcome.Status, outcome.Reason));
        Assert.Contains("RUSTSEC-2031-0001 alpha 1.0.0 (patched: >= 2.0.0)", outcome.Message, StringComparison.Ordinal);
        Assert.Equal((1, after.Revision), (outcome.Summary!.Unknown, outcome.Summary.DatabaseRevision));
        Show(tinyImage, outcome);
        Assert.Empty(ReauditAll(reaudit, tinyImage, after));
    }

    [Fact]
    public async Task An_Ignore_Entry_Silences_The_New_Advisory_Until_Its_Date()
    {
        var reaudit = Verified();
        var tinyImage = TinyImage(new AdvisoriesSpec { Ignore = [new AdvisoryIgnoreSpec { Id = "RUSTSEC-2031-0001", Until = "2031-04-01", Reason = "not reachable" }] });
        var database = await DatabaseAsync(("alpha", "RUSTSEC-2031-0001", ""));

        var ignored = reaudit.Evaluate(tinyImage, tinyImage.Status, null, database, Now)!;
        var expired = reaudit.Evaluate(tinyImage, tinyImage.Status, null, database, new DateTimeOffset(2031, 4, 1, 0, 0, 0, TimeSpan.Zero))!;

        Assert.Equal((Conditions.False, Conditions.ReasonNoKnownAdvisories), (ignored.Status, ignored.Reason));
        Assert.Contains("1 matching advisory is not counted", ignored.Message, StringComparison.Ordinal);
        Assert.Equal((0, 1), (ignored.Summary!.Unknown, ignored.Summary.NotCounted));
        Assert.Equal(Conditions.True, expired.Status);
    }

    [Fact]
    public async Task Informational_Advisories_And_Those_Below_The_Minimum_Severity_Count_As_The_Policy_Says()
    {
        var database = await DatabaseAsync(
            ("alpha", "RUSTSEC-2031-0002", "informational = \"unmaintained\"\n"),
            ("beta", "RUSTSEC-2031-0003", "cvss = \"CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N\"\n"));

        var byDefault = Verified().Evaluate(TinyImage(new AdvisoriesSpec()), TinyImage(null).Status, null, database, Now)!;
        var strict = Verified().Evaluate(TinyImage(new AdvisoriesSpec { Informational = true, MinSeverity = "medium" }), TinyImage(null).Status, null, database, Now)!;

        Assert.Contains("RUSTSEC-2031-0003", byDefault.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RUSTSEC-2031-0002", byDefault.Message, StringComparison.Ordinal);
        Assert.Contains("RUSTSEC-2031-0002", strict.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RUSTSEC-2031-0003", strict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Withdrawn_Advisory_Clears_The_Finding()
    {
        var reaudit = Verified();
        var tinyImage = TinyImage(new AdvisoriesSpec());
        Show(tinyImage, reaudit.Evaluate(tinyImage, tinyImage.Status, null, await DatabaseAsync(("alpha", "RUSTSEC-2031-0001", "")), Now)!);
        Assert.Equal(Conditions.True, tinyImage.Status!.Conditions![0].Status);

        var withdrawn = await DatabaseAsync(("alpha", "RUSTSEC-2031-0001", "withdrawn = \"2031-03-30\"\n"));

        Assert.Equal([new ObjectKey("demo", "hello")], ReauditAll(reaudit, tinyImage, withdrawn));
        var outcome = reaudit.Evaluate(tinyImage, tinyImage.Status, null, withdrawn, Now)!;
        Assert.Equal((Conditions.False, Conditions.ReasonNoKnownAdvisories), (outcome.Status, outcome.Reason));
    }

    [Fact]
    public async Task After_A_Restart_The_Package_List_Is_Rebuilt_From_The_Sbom_ConfigMap()
    {
        var restarted = new AdvisoryReaudit(null);
        var tinyImage = TinyImage(new AdvisoriesSpec());
        var database = await DatabaseAsync(("beta", "RUSTSEC-2031-0001", ""));

        var changed = ReauditAll(restarted, tinyImage, database, sbom: SbomConfigMap(Served));

        Assert.Single(changed);
        Assert.NotNull(restarted.Store.Get(Served));
        Assert.Equal(3, restarted.Store.Get(Served)!.Count);
        var outcome = restarted.Evaluate(tinyImage, tinyImage.Status, null, database, Now)!;
        Assert.Contains("RUSTSEC-2031-0001 beta 1.5.0", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Sbom_ConfigMap_Of_Another_Digest_Or_Another_Owner_Is_Not_Used()
    {
        var tinyImage = TinyImage(new AdvisoriesSpec());
        var database = await DatabaseAsync(("beta", "RUSTSEC-2031-0001", ""));

        var otherDigest = new AdvisoryReaudit(null).Evaluate(tinyImage, tinyImage.Status, SbomConfigMap("sha256:" + new string('b', 64)), database, Now)!;
        var otherOwner = new AdvisoryReaudit(null).Evaluate(tinyImage, tinyImage.Status, SbomConfigMap(Served, ownerUid: "someone-else"), database, Now)!;

        Assert.Equal((Conditions.Unknown, Conditions.ReasonNotAudited), (otherDigest.Status, otherDigest.Reason));
        Assert.Equal((Conditions.Unknown, Conditions.ReasonNotAudited), (otherOwner.Status, otherOwner.Reason));
    }

    [Fact]
    public async Task Without_A_Policy_There_Is_No_Outcome_And_Without_A_Database_It_Is_Not_Audited()
    {
        var reaudit = Verified();

        Assert.Null(reaudit.Evaluate(TinyImage(null), TinyImage(null).Status, null, await DatabaseAsync(), Now));
        var none = reaudit.Evaluate(TinyImage(new AdvisoriesSpec()), TinyImage(null).Status, null, null, Now)!;
        Assert.Equal((Conditions.Unknown, Conditions.ReasonNotAudited), (none.Status, none.Reason));
    }

    [Fact]
    public async Task The_Re_Audit_Drops_Lists_No_TinyImage_Refers_To()
    {
        var reaudit = Verified();
        reaudit.Store.Remember("sha256:" + new string('c', 64), Bom("sha256:" + new string('c', 64)));

        ReauditAll(reaudit, TinyImage(new AdvisoriesSpec()), await DatabaseAsync());

        Assert.Equal(1, reaudit.Store.Count);
        Assert.NotNull(reaudit.Store.Get(Served));
    }

    [Fact]
    public void Package_Lists_Share_Interned_Strings_And_Keep_Each_Pair_Once()
    {
        var pool = new StringPool();
        var first = PackageList.From([("serde", new string("1.0.0")), ("serde", "1.0.0")], pool);
        var second = PackageList.From([(new string("serde"), new string("1.0.0"))], pool);

        Assert.Equal(1, first.Count);
        Assert.Same(first.Packages.Single().Name, second.Packages.Single().Name);
        Assert.Same(first.Packages.Single().Version, second.Packages.Single().Version);
        Assert.Equal(2, pool.Count);
    }
}

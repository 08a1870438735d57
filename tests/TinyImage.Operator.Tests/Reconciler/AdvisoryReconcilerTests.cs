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
/// The advisories step: owns Vulnerable and the re-audited <c>status.sbom.advisories</c>, asks for one Warning Event per
/// new finding set, never stops the pass and never touches Ready.
/// </summary>
public sealed class AdvisoryReconcilerTests : IDisposable
{
    private static readonly string Served = "sha256:" + new string('a', 64);
    private static readonly DateTimeOffset Now = new(2031, 3, 31, 12, 0, 0, TimeSpan.Zero);
    private readonly string root = Path.Combine(Path.GetTempPath(), "advisory-step-" + Guid.NewGuid().ToString("n"));
    private readonly HttpClient http = new();

    public void Dispose()
    {
        http.Dispose();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private async Task<AdvisoryDatabase> DatabaseAsync(params string[] alphaAdvisories)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        var dir = Directory.CreateDirectory(Path.Combine(root, "crates", "alpha")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "crates", "unrelated"));
        File.WriteAllText(Path.Combine(root, "crates", "unrelated", "RUSTSEC-2019-0001.md"), Advisory("unrelated", "RUSTSEC-2019-0001"));
        foreach (var id in alphaAdvisories)
        {
            File.WriteAllText(Path.Combine(dir, id + ".md"), Advisory("alpha", id));
        }

        return await AdvisoryDatabase.LoadFromDirectoryAsync(root, TestContext.Current.CancellationToken);
    }

    private static string Advisory(string package, string id) =>
        $"```toml\n[advisory]\nid = \"{id}\"\npackage = \"{package}\"\ndate = \"2020-01-01\"\n\n[versions]\npatched = [\">= 2.0.0\"]\n```\n\n# {id}\n";

    private (AdvisoryReconciler Step, AdvisoryDatabaseHolder Holder) Step()
    {
        var holder = new AdvisoryDatabaseHolder();
        var reaudit = new AdvisoryReaudit(holder);
        reaudit.Store.Remember(Served, PackageList.From([("alpha", "1.0.0"), ("hello", "0.1.0")], reaudit.Store.Pool));
        var cluster = new ClusterView(new KubeConnection(http, new Uri("http://127.0.0.1:1/")));
        return (new AdvisoryReconciler(cluster, reaudit), holder);
    }

    private static TinyImageResource TinyImage(TinyImageStatus? status, bool policy = true) => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "demo", Uid = "u-1", Generation = 1 },
        Spec = new TinyImageSpec { Binary = "hello", Verify = new VerifySpec { Advisories = policy ? new AdvisoriesSpec() : null } },
        Status = status ?? new TinyImageStatus
        {
            Conditions = [new V1Condition { Type = Conditions.Ready, Status = Conditions.True, Reason = Conditions.ReasonReady, Message = "serving" }],
            Image = new ImageStatus { Digest = Served },
            Serving = new ServingStatus { Digest = Served },
            Sbom = new SbomStatus { PackageCount = 2 },
        },
    };

    [Fact]
    public async Task A_Finding_Sets_Vulnerable_And_The_Summary_Asks_For_One_Event_And_Leaves_Ready_Alone()
    {
        var (step, holder) = Step();
        holder.Set(await DatabaseAsync("RUSTSEC-2031-0001"));
        var run = new Reconciliation(TinyImage(null), Now);

        var result = await step.ReconcileAsync(run, TestContext.Current.CancellationToken);

        Assert.Equal(StepAction.Continue, result.Action);
        var vulnerable = ConditionSet.Find(run.Status.Conditions, Conditions.Vulnerable)!;
        Assert.Equal((Conditions.True, Conditions.ReasonAdvisoriesFound), (vulnerable.Status, vulnerable.Reason));
        Assert.Equal(Conditions.True, ConditionSet.Find(run.Status.Conditions, Conditions.Ready)!.Status);
        Assert.Equal((1, holder.Current!.Revision), (run.Status.Sbom!.Advisories!.Unknown, run.Status.Sbom.Advisories.DatabaseRevision));
        var (reason, message) = Assert.Single(run.Warnings);
        Assert.Equal(Conditions.ReasonAdvisoriesFound, reason);
        Assert.Contains("RUSTSEC-2031-0001 alpha 1.0.0", message, StringComparison.Ordinal);

        // The next pass with the same finding set (the status now says it): no second Event.
        var again = new Reconciliation(TinyImage(run.Status), Now);
        await step.ReconcileAsync(again, TestContext.Current.CancellationToken);
        Assert.Empty(again.Warnings);

        // A second advisory is a new finding set: one more Event.
        holder.Set(await DatabaseAsync("RUSTSEC-2031-0001", "RUSTSEC-2031-0002"));
        var changed = new Reconciliation(TinyImage(again.Status), Now);
        await step.ReconcileAsync(changed, TestContext.Current.CancellationToken);
        Assert.Contains("2 advisories affect", Assert.Single(changed.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_A_Policy_The_Condition_Is_Removed()
    {
        var (step, holder) = Step();
        holder.Set(await DatabaseAsync("RUSTSEC-2031-0001"));
        var run = new Reconciliation(TinyImage(null), Now);
        await step.ReconcileAsync(run, TestContext.Current.CancellationToken);
        Assert.NotNull(ConditionSet.Find(run.Status.Conditions, Conditions.Vulnerable));

        var without = new Reconciliation(TinyImage(run.Status, policy: false), Now);
        await step.ReconcileAsync(without, TestContext.Current.CancellationToken);

        Assert.Null(ConditionSet.Find(without.Status.Conditions, Conditions.Vulnerable));
    }

    [Fact]
    public async Task The_Holder_Announces_A_New_Revision_Once()
    {
        var holder = new AdvisoryDatabaseHolder();
        var announced = new List<string>();
        holder.Replaced += d => announced.Add(d.Revision);
        var first = await DatabaseAsync("RUSTSEC-2031-0001");

        holder.Set(first);
        holder.Set(await DatabaseAsync("RUSTSEC-2031-0001"));
        holder.Set(await DatabaseAsync("RUSTSEC-2031-0001", "RUSTSEC-2031-0002"));

        Assert.Equal(2, announced.Count);
        Assert.Equal(first.Revision, announced[0]);
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Verification;
using Xunit;
using static TinyImage.Operator.Tests.Reconciler.StepHarness;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

public sealed class VerifyReconcilerTests
{
    private readonly List<string> journal = [];

    [Fact]
    public async Task A_Built_Digest_Is_Verified_And_Its_Image_And_Sbom_Are_Recorded()
    {
        await using var h = await StartAsync();
        var verifier = new ScriptedVerifier(journal);
        var (_, run) = await SetUpAsync(h, Digest('b'));

        var result = await Step(h, verifier).ReconcileAsync(run, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        Assert.Equal(["verify"], journal);
        Assert.Equal(Digest('b'), verifier.Requests.Single().Digest);
        Assert.Equal((Conditions.True, VerificationReasons.Verified), Condition(run, Conditions.SbomVerified));
        Assert.Equal(Repository + "@" + Digest('b'), run.Status.Image!.Reference);
        Assert.Equal(run.Hash, run.Status.Image.SpecHash);
        Assert.True(run.Status.Verification!.Passed);
        Assert.Equal("hello-sbom", run.Status.Sbom!.ConfigMapName);
        var sbom = await h.Cluster.ConfigMaps.GetAsync(Namespace, "hello-sbom", Token);
        Assert.Equal(run.Uid, Owners.ControllerOf(sbom!)?.Uid);
        Assert.Equal(Digest('b'), sbom!.Metadata.Annotations[VerifyReconciler.VerifiedDigestAnnotation]);
        Assert.Contains(Digest('b'), sbom.Data[VerifyReconciler.SbomKey], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Second_Pass_Over_A_Verified_Digest_Neither_Verifies_Nor_Writes()
    {
        await using var h = await StartAsync();
        var verifier = new ScriptedVerifier(journal);
        var (tinyImage, run) = await SetUpAsync(h, Digest('b'));
        await Step(h, verifier).ReconcileAsync(run, Token);
        await h.SyncAsync(h.Cluster.ConfigMaps, h.Cluster.ConfigMapCache, "hello-sbom");
        journal.Clear();
        var writes = h.Writes();

        var again = await PassAsync(h, tinyImage, run.Status, Digest('b'));
        var result = await Step(h, verifier).ReconcileAsync(again, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        Assert.Empty(journal);
        Assert.Equal(writes, h.Writes());
    }

    [Fact]
    public async Task A_Pass_Whose_Cache_Has_Not_Seen_Its_Own_Sbom_ConfigMap_Asks_The_API_Instead_Of_Verifying_Again()
    {
        await using var h = await StartAsync();
        var verifier = new ScriptedVerifier(journal);
        var (tinyImage, run) = await SetUpAsync(h, Digest('b'));
        await Step(h, verifier).ReconcileAsync(run, Token);
        journal.Clear();
        var writes = h.Writes();

        var again = await PassAsync(h, tinyImage, run.Status, Digest('b'));
        var result = await Step(h, verifier).ReconcileAsync(again, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        Assert.Empty(journal);
        Assert.Equal(writes, h.Writes());
    }

    [Fact]
    public async Task A_Refusal_Stands_For_The_Same_Digest_Policy_And_Retry_And_Is_Verified_Again_After_A_Retry()
    {
        await using var h = await StartAsync();
        var verifier = new ScriptedVerifier(journal) { Answer = ScriptedVerifier.Refuse(VerificationReasons.PackageDenied, "openssl-sys is denied") };
        var (tinyImage, run) = await SetUpAsync(h, Digest('b'));

        var refused = await Step(h, verifier).ReconcileAsync(run, Token);
        var again = await PassAsync(h, tinyImage, run.Status, Digest('b'));
        var stands = await Step(h, verifier).ReconcileAsync(again, Token);

        Assert.Equal((StepAction.Fail, VerificationReasons.PackageDenied), (refused.Action, refused.Reason));
        Assert.Equal((Conditions.False, VerificationReasons.PackageDenied), Condition(run, Conditions.SbomVerified));
        Assert.False(run.Status.Verification!.Passed);
        Assert.Equal((StepAction.Fail, VerificationReasons.PackageDenied, "openssl-sys is denied"), (stands.Action, stands.Reason, stands.Message));
        Assert.Single(verifier.Requests);
        Assert.Null(await h.Cluster.ConfigMaps.GetAsync(Namespace, "hello-sbom", Token));

        verifier.Answer = ScriptedVerifier.Pass;
        var retried = await PassAsync(h, await h.AnnotateAsync("hello", Annotations.Retry, "1"), again.Status, Digest('b'));
        var passed = await Step(h, verifier).ReconcileAsync(retried, Token);

        Assert.Equal(StepAction.Continue, passed.Action);
        Assert.Equal(2, verifier.Requests.Count);
        Assert.Equal("1", retried.Status.Verification!.Retry);
    }

    [Fact]
    public async Task A_Passed_Verification_Is_Logged_At_Debug_And_A_Refusal_At_Information()
    {
        await using var h = await StartAsync();
        var verifier = new ScriptedVerifier(journal);
        var (_, run) = await SetUpAsync(h, Digest('b'));
        var logger = new RecordingLogger();

        await new VerifyReconciler(h.Cluster, new InlineVerification(verifier), logger).ReconcileAsync(run, Token);

        // The way to Ready logs one Information line per state change; the Ready line follows a passed verification.
        Assert.Equal([(Microsoft.Extensions.Logging.LogLevel.Debug, "Verified demo/hello " + Digest('b') + ": " + VerificationReasons.Verified)], logger.Lines);

        verifier.Answer = ScriptedVerifier.Refuse(VerificationReasons.PackageDenied, "openssl-sys is denied");
        logger.Lines.Clear();
        var retried = await PassAsync(h, await h.AnnotateAsync("hello", Annotations.Retry, "1"), run.Status, Digest('b'));
        await new VerifyReconciler(h.Cluster, new InlineVerification(verifier), logger).ReconcileAsync(retried, Token);

        Assert.Equal([(Microsoft.Extensions.Logging.LogLevel.Information, "Verified demo/hello " + Digest('b') + ": " + VerificationReasons.PackageDenied)], logger.Lines);
    }

    [Fact]
    public async Task A_Transient_Verifier_Failure_Waits_Thirty_Seconds_And_Records_No_Outcome()
    {
        await using var h = await StartAsync();
        var verifier = new ScriptedVerifier(journal) { Answer = ScriptedVerifier.Refuse(VerificationReasons.RegistryUnavailable, "registry.local:5000: connection refused") };
        var (_, run) = await SetUpAsync(h, Digest('b'));

        var result = await Step(h, verifier).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Wait, Conditions.ReasonVerifying, TimeSpan.FromSeconds(30)), (result.Action, result.Reason, result.RequeueAfter));
        Assert.Equal((Conditions.Unknown, VerificationReasons.RegistryUnavailable), Condition(run, Conditions.SbomVerified));
        Assert.Null(run.Status.Verification);
        Assert.Null(run.Status.Image);
        Assert.Equal(0, h.Writes("configmaps"));
    }

    [Fact]
    public async Task The_Passes_Of_A_TinyImage_Whose_Verification_Waits_In_The_Pool_Ask_The_API_Nothing_And_Keep_One_Message()
    {
        await using var h = await StartAsync();
        var pool = new QueuedVerification();
        var (tinyImage, run) = await SetUpAsync(h, Digest('b'));
        var step = new VerifyReconciler(h.Cluster, pool, NullLogger.Instance);

        var first = await step.ReconcileAsync(run, Token);
        var getsAfterSubmit = SbomGets(h);
        pool.Ahead = 0;
        var again = await PassAsync(h, tinyImage, run.Status, Digest('b'));
        var second = await step.ReconcileAsync(again, Token);

        Assert.Equal((StepAction.Wait, Conditions.ReasonVerificationQueued), (first.Action, first.Reason));
        Assert.Equal(1, getsAfterSubmit);
        Assert.Equal(getsAfterSubmit, SbomGets(h));
        Assert.Equal(2, pool.Submits);

        // The line moved (7 ahead, then none): the message in status did not, so the waiting pass writes nothing new.
        Assert.Equal(first.Message, second.Message);
    }

    [Fact]
    public async Task The_Pass_That_Takes_A_Held_Result_Reads_No_Sbom_ConfigMap_And_A_Name_Taken_Since_Records_Nothing_Of_The_Image()
    {
        await using var h = await StartAsync();
        var pool = new HeldResultVerification();
        var (tinyImage, run) = await SetUpAsync(h, Digest('b'));
        var step = new VerifyReconciler(h.Cluster, pool, NullLogger.Instance);

        // Checked once, before submitting; the verification finishes in the pool.
        var queued = await step.ReconcileAsync(run, Token);
        Assert.Equal((StepAction.Wait, Conditions.ReasonVerificationQueued), (queued.Action, queued.Reason));
        Assert.Equal(1, SbomGets(h));
        pool.Finish();

        // The pass taking the result asks the API nothing before writing its SBOM ConfigMap (issue 17).
        var taken = await PassAsync(h, tinyImage, run.Status, Digest('b'));
        Assert.Equal(StepAction.Continue, (await step.ReconcileAsync(taken, Token)).Action);
        Assert.Equal(1, SbomGets(h));
        Assert.Equal(Digest('b'), taken.Status.Image!.Digest);

        // Another owner took the name after the check: its create answers 409, the read finds it, nothing is recorded.
        await using var other = await StartAsync();
        var (otherImage, otherRun) = await SetUpAsync(other, Digest('c'));
        var otherPool = new HeldResultVerification();
        var otherStep = new VerifyReconciler(other.Cluster, otherPool, NullLogger.Instance);
        await otherStep.ReconcileAsync(otherRun, Token);
        otherPool.Finish();
        Assert.True((await other.Cluster.ConfigMaps.CreateAsync(ForeignConfigMap("hello-sbom"), Token)).IsOk);
        var blocked = await PassAsync(other, otherImage, otherRun.Status, Digest('c'));

        var result = await otherStep.ReconcileAsync(blocked, Token);

        Assert.Equal((StepAction.Stop, Conditions.ReasonChildConflict), (result.Action, result.Reason));
        Assert.Null(blocked.Status.Verification);
        Assert.Null(blocked.Status.Image);
        Assert.Equal("yes", (await other.Cluster.ConfigMaps.GetAsync(Namespace, "hello-sbom", Token))!.Data["mine"]);
    }

    /// <summary>A pool whose verification is queued once submitted and, after <see cref="Finish"/>, done and held.</summary>
    private sealed class HeldResultVerification : IVerificationRunner
    {
        private string? identity;
        private bool done;

        public void Finish() => done = true;

        public Task<VerificationProgress> SubmitAsync(ObjectKey owner, string identity, VerificationRequest request, CancellationToken cancellationToken)
        {
            this.identity = identity;
            return Task.FromResult(done
                ? VerificationProgress.Done(ScriptedVerifier.Pass(request))
                : new VerificationProgress(VerificationState.Queued, 0));
        }

        public bool Holds(ObjectKey owner, string identity) => identity == this.identity;

        public void Forget(ObjectKey owner)
        {
        }
    }

    private static int SbomGets(StepHarness h) =>
        h.Kube.Requests.All.Count(r => r.Verb == "get" && r.Resource == "configmaps" && r.Name == "hello-sbom");

    /// <summary>A pool whose verification stays queued: pending once submitted.</summary>
    private sealed class QueuedVerification : IVerificationRunner
    {
        private string? identity;

        public int Ahead { get; set; } = 7;

        public int Submits { get; private set; }

        public Task<VerificationProgress> SubmitAsync(ObjectKey owner, string identity, VerificationRequest request, CancellationToken cancellationToken)
        {
            Submits++;
            this.identity = identity;
            return Task.FromResult(new VerificationProgress(VerificationState.Queued, Ahead));
        }

        public bool Holds(ObjectKey owner, string identity) => identity == this.identity;

        public void Forget(ObjectKey owner)
        {
        }
    }

    [Fact]
    public async Task Without_A_Built_Digest_It_Waits_For_The_Build_Without_Verifying()
    {
        await using var h = await StartAsync();
        var verifier = new ScriptedVerifier(journal);
        var (_, run) = await SetUpAsync(h, digest: null);

        var result = await Step(h, verifier).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Wait, Conditions.ReasonWaitingForVerification), (result.Action, result.Reason));
        Assert.Empty(journal);
    }

    [Fact]
    public async Task An_Sbom_ConfigMap_Name_Held_By_Another_Owner_Stops_With_ChildConflict_Before_Verifying()
    {
        await using var h = await StartAsync();
        var verifier = new ScriptedVerifier(journal);
        var (_, run) = await SetUpAsync(h, Digest('b'));
        Assert.True((await h.Cluster.ConfigMaps.CreateAsync(ForeignConfigMap("hello-sbom"), Token)).IsOk);
        h.Kube.Requests.Clear();

        var result = await Step(h, verifier).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Stop, Conditions.ReasonChildConflict), (result.Action, result.Reason));
        Assert.Empty(journal);
        Assert.Equal(0, h.Writes());
        Assert.Equal("yes", (await h.Cluster.ConfigMaps.GetAsync(Namespace, "hello-sbom", Token))!.Data["mine"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_Verified_Image_Keeps_Its_Package_List_For_The_Re_Audit_Only_When_Its_Policy_Audits_Advisories(bool advisories)
    {
        await using var h = await StartAsync();
        var verifier = new ScriptedVerifier(journal)
        {
            Answer = r => ScriptedVerifier.Pass(r) with
            {
                CycloneDxJson = """{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"application","name":"hello","version":"0.1.0","purl":"pkg:cargo/hello@0.1.0"}},"components":[{"type":"library","name":"serde","version":"1.0.0","purl":"pkg:cargo/serde@1.0.0"}]}""",
            },
        };
        var (_, run) = await SetUpAsync(h, Digest('b'), advisories ? spec => spec["spec"]!["verify"] = new System.Text.Json.Nodes.JsonObject { ["advisories"] = new System.Text.Json.Nodes.JsonObject() } : null);
        var kept = new PackageListStore();

        await new VerifyReconciler(h.Cluster, new InlineVerification(verifier), NullLogger.Instance, kept).ReconcileAsync(run, Token);

        (string, string)[] expected = advisories ? [("hello", "0.1.0"), ("serde", "1.0.0")] : [];
        Assert.Equal(expected, kept.Get(Digest('b'))?.Packages.ToArray() ?? []);
    }

    private async Task<(TinyImageResource TinyImage, Reconciliation Run)> SetUpAsync(StepHarness h, string? digest, Action<System.Text.Json.Nodes.JsonObject>? edit = null)
    {
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync(edit: edit);
        return (tinyImage, await PassAsync(h, tinyImage, null, digest));
    }

    /// <summary>A pass whose build step found <paramref name="digest"/>.</summary>
    private static async Task<Reconciliation> PassAsync(StepHarness h, TinyImageResource tinyImage, TinyImageStatus? status, string? digest)
    {
        var run = await h.PassAsync(tinyImage, status);
        run.BuiltDigest = digest;
        return run;
    }

    private static VerifyReconciler Step(StepHarness h, IImageVerifier verifier) => new(h.Cluster, new InlineVerification(verifier), NullLogger.Instance);

    private static (string? Status, string? Reason) Condition(Reconciliation run, string type) =>
        ConditionSet.Find(run.Status.Conditions, type) is { } c ? (c.Status, c.Reason) : (null, null);
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Reconciler;
using Xunit;
using static TinyImage.Operator.Tests.Reconciler.StepHarness;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>Toolchain tags resolved to digests at build time, the periodic check, and builds recorded by the previous release.</summary>
public sealed class PinnedToolchainTests
{
    private const string BuilderTag = "registry.local:5000/tools/rust:1-alpine";

    [Fact]
    public async Task A_Builder_Named_By_Tag_Is_Built_By_Digest_And_Status_Records_The_Digest_And_Why()
    {
        await using var h = await StartAsync();
        var resolver = new ScriptedToolchainResolver { [BuilderTag] = Digest('1') };
        var tinyImage = await CreateAsync(h, optIn: false);

        var (run, inputs) = await PassAsync(h, tinyImage, null, Now, resolver);
        await BuildStep(h).ReconcileAsync(run, Token);

        Assert.Equal(StepAction.Continue, inputs.Action);
        var containerfile = (await h.Cluster.Jobs.GetAsync(Namespace, run.Status.Build!.JobName!, Token))!.Spec.Template.Metadata.Annotations[KanikoJobBuilder.ContainerfileAnnotation];
        Assert.Contains("FROM " + BuilderTag + "@" + Digest('1') + " AS chef\n", containerfile, StringComparison.Ordinal);
        Assert.Contains("\"--version\", \"" + OperatorOptions.DefaultCargoAuditableVersion + "\"", containerfile, StringComparison.Ordinal);
        var builder = run.Status.Build.Toolchain!.Single(t => t.Role == ToolchainImage.RoleBuilder);
        Assert.Equal((BuilderTag, Digest('1')), (builder.Image, builder.Digest));
        var kaniko = run.Status.Build.Toolchain!.Single(t => t.Role == ToolchainImage.RoleKaniko);
        Assert.Equal(ToolchainPins.DigestOf(OperatorOptions.DefaultKanikoImage), kaniko.Digest);
        Assert.Equal(BuildReasons.FirstBuild, run.Status.Build.Reason);
        Assert.Equal(1, resolver.Calls); // the default Kaniko image is pinned already: no lookup
        var job = (await h.Cluster.Jobs.GetAsync(Namespace, run.Status.Build.JobName!, Token))!;
        Assert.Contains(job.Spec.Template.Spec.Containers[0].Args, a => a.StartsWith("--label=" + ImageLabels.Created + "=", StringComparison.Ordinal));

        // The same spec after the tag moved is another build: the digest is part of the hash.
        resolver[BuilderTag] = Digest('2');
        var (moved, _) = await PassAsync(h, tinyImage, null, Now, resolver);
        Assert.NotEqual(run.Hash, moved.Hash);
    }

    [Fact]
    public async Task A_Tag_That_Cannot_Be_Resolved_Stops_With_ToolchainUnresolved_And_Starts_No_Build()
    {
        await using var h = await StartAsync();
        var tinyImage = await CreateAsync(h, optIn: false);

        var (run, inputs) = await PassAsync(h, tinyImage, null, Now, new ScriptedToolchainResolver());

        Assert.Equal((StepAction.Stop, Conditions.ReasonToolchainUnresolved), (inputs.Action, inputs.Reason));
        Assert.Contains(BuilderTag, inputs.Message, StringComparison.Ordinal);
        Assert.Null(run.Hash);
        Assert.Equal(0, h.Kube.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task With_RebuildOnToolchainUpdate_A_Moved_Tag_Rebuilds_Once_After_The_Daily_Check_With_Reason_NewToolchain()
    {
        await using var h = await StartAsync();
        var resolver = new ScriptedToolchainResolver { [BuilderTag] = Digest('1') };
        var tinyImage = await CreateAsync(h, optIn: true);
        var (first, firstInputs) = await PassAsync(h, tinyImage, null, Now, resolver);
        var build = BuildStep(h); // one step, as the operator keeps one: it knows the Jobs it created before the cache does
        await build.ReconcileAsync(first, Token);
        Assert.Equal(Options.ToolchainCheckInterval, firstInputs.RequeueAfter);
        var calls = resolver.Calls;

        // The tag moves; before the check is due nothing asks the registry and nothing changes.
        resolver[BuilderTag] = Digest('2');
        var (early, earlyInputs) = await PassAsync(h, tinyImage, first.Status, Now.AddHours(23), resolver);
        Assert.Equal((first.Hash, calls), (early.Hash, resolver.Calls));
        Assert.Equal(TimeSpan.FromHours(1), earlyInputs.RequeueAfter);

        // The check is due: one new build, for the new digest, and it says why.
        var (due, _) = await PassAsync(h, tinyImage, first.Status, Now.AddHours(24), resolver);
        await build.ReconcileAsync(due, Token);
        Assert.NotEqual(first.Hash, due.Hash);
        Assert.Equal(BuildReasons.NewToolchain, due.Status.Build!.Reason);
        Assert.Equal(Digest('2'), due.Status.Build.Toolchain!.Single(t => t.Role == ToolchainImage.RoleBuilder).Digest);
        Assert.Equal(2, h.Kube.Requests.Count("create", "jobs"));

        // Once: the next checks find the digest the build used.
        var (next, _) = await PassAsync(h, tinyImage, due.Status, Now.AddHours(49), resolver);
        await build.ReconcileAsync(next, Token);
        Assert.Equal(due.Hash, next.Hash);
        Assert.Equal(2, h.Kube.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task Without_The_Opt_In_A_Moved_Tag_Rebuilds_Nothing_And_Asks_No_Registry()
    {
        await using var h = await StartAsync();
        var resolver = new ScriptedToolchainResolver { [BuilderTag] = Digest('1') };
        var tinyImage = await CreateAsync(h, optIn: false);
        var (first, _) = await PassAsync(h, tinyImage, null, Now, resolver);
        await BuildStep(h).ReconcileAsync(first, Token);

        resolver[BuilderTag] = Digest('2');
        var (later, inputs) = await PassAsync(h, tinyImage, first.Status, Now.AddDays(30), resolver);

        Assert.Equal((first.Hash, (TimeSpan?)null, 1), (later.Hash, inputs.RequeueAfter, resolver.Calls));
    }

    [Fact]
    public async Task A_Build_Recorded_By_The_Previous_Release_Keeps_Its_Hash_Though_The_Hash_Form_And_The_Pinned_Defaults_Changed()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync();
        var (probe, _) = await PassAsync(h, tinyImage, null, Now, new ScriptedToolchainResolver());
        var legacyHash = BuildHash.Compute(probe.Valid, Options, probe.Inputs!.SourceDigest);
        Assert.NotEqual(legacyHash, probe.Hash); // v2 differs from v1 for the same spec
        var stored = PreviousReleaseStatus(legacyHash);

        // A later release pins other defaults: the recorded build stands, nothing is built.
        var moved = Options with { BuilderImage = "rust:1-alpine@" + Digest('9'), KanikoImage = "ghcr.io/osscontainertools/kaniko:v9@" + Digest('8') };
        var (run, inputs) = await PassAsync(h, tinyImage, stored, Now, new ScriptedToolchainResolver(), moved);
        var build = await BuildStep(h, moved).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Continue, legacyHash, (string?)null), (inputs.Action, run.Hash, run.Plan!.Reason));
        Assert.Equal(StepAction.Continue, build.Action);
        Assert.Equal(Digest('a'), run.BuiltDigest);
        Assert.Equal(0, h.Kube.Requests.Count("create", "jobs"));
        Assert.Equal(run.Plan.Inputs, run.Status.Build!.Inputs); // recorded from now on

        // A real change of the spec builds once, under the v2 hash, and says why.
        var edited = await EditAsync(h, spec => spec["binary"] = "hello2");
        var (changed, _) = await PassAsync(h, edited, run.Status, Now, new ScriptedToolchainResolver(), moved);
        await BuildStep(h, moved).ReconcileAsync(changed, Token);
        Assert.NotEqual(legacyHash, changed.Hash);
        Assert.Equal(BuildReasons.SpecChanged, changed.Status.Build!.Reason);
        Assert.Equal(1, h.Kube.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task A_Build_Recorded_With_Inputs_Survives_A_Change_Of_The_Operator_Defaults()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync();
        var (first, _) = await PassAsync(h, tinyImage, null, Now, new ScriptedToolchainResolver());
        await BuildStep(h).ReconcileAsync(first, Token);
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, first.Status.Build!.JobName!); // the informer shows the Job

        var moved = Options with { BuilderImage = "rust:1-alpine@" + Digest('9'), CargoAuditableVersion = "0.8.0" };
        var (later, _) = await PassAsync(h, tinyImage, first.Status, Now, new ScriptedToolchainResolver(), moved);
        await BuildStep(h, moved).ReconcileAsync(later, Token);

        Assert.Equal(first.Hash, later.Hash);
        Assert.Equal(1, h.Kube.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task A_Pass_That_Keeps_The_Recorded_Build_Makes_No_Pinned_Copy_Unless_Its_Job_Is_Created_Again()
    {
        await using var h = await StartAsync();
        var resolver = new ScriptedToolchainResolver { [BuilderTag] = Digest('1') };
        var tinyImage = await CreateAsync(h, optIn: false);
        var (first, _) = await PassAsync(h, tinyImage, null, Now, resolver);
        await BuildStep(h).ReconcileAsync(first, Token);
        Assert.True(first.Plan!.PinnedOnce.IsValueCreated); // a new build: its hash is computed from the pinned copy

        var (later, inputs) = await PassAsync(h, tinyImage, first.Status, Now, resolver);

        // Issue 17: every pass copied the TinyImage to pin its toolchain, though only a Job created again reads the copy.
        Assert.Equal(StepAction.Continue, inputs.Action);
        Assert.Equal(first.Hash, later.Hash);
        Assert.False(later.Plan!.PinnedOnce.IsValueCreated);
        Assert.Equal(BuilderTag + "@" + Digest('1'), later.Plan.Pinned.Spec.Build.BuilderImage);
        Assert.Equal(BuilderTag, later.Valid.Spec.Build.BuilderImage);
    }

    /// <summary>status.build as the previous release wrote it for a finished build: no reason, inputs or toolchain.</summary>
    internal static TinyImageStatus PreviousReleaseStatus(string hash) => new()
    {
        Build = new BuildStatus
        {
            SpecHash = hash,
            JobName = ChildMetadata.BuildName("hello", hash),
            Digest = Digest('a'),
            StartTime = Now.UtcDateTime.AddMinutes(-5),
            CompletionTime = Now.UtcDateTime.AddMinutes(-1),
        },
    };

    private static async Task<TinyImageResource> CreateAsync(StepHarness h, bool optIn)
    {
        h.CreateSource();
        return await h.CreateTinyImageAsync(edit: body => body["spec"]!["build"] = new JsonObject
        {
            ["builderImage"] = BuilderTag,
            ["rebuildOnToolchainUpdate"] = optIn,
        });
    }

    private static async Task<TinyImageResource> EditAsync(StepHarness h, Action<JsonObject> edit)
    {
        var result = h.Kube.Mutate("tinyimage.dev/v1alpha1", "tinyimages", Namespace, "hello", ti => edit(ti["spec"]!.AsObject()));
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
        return await h.ReadTinyImageAsync();
    }

    internal static async Task<(Reconciliation Run, StepResult Inputs)> PassAsync(
        StepHarness h, TinyImageResource tinyImage, TinyImageStatus? status, DateTimeOffset now, IToolchainResolver resolver, OperatorOptions? options = null)
    {
        if (status is not null)
        {
            tinyImage = ObjectCopy.Clone(tinyImage, TinyImageTypes.TinyImages.ItemInfo);
            tinyImage.Status = ObjectCopy.Clone(status, TinyImage.Api.ApiJson.TypeInfo<TinyImageStatus>());
        }

        // These tests name builder and Kaniko images by tag; the admin policy is not what they exercise.
        var o = options ?? Options;
        o = o with { Policy = o.Policy with { AllowedBuilderImages = ["*"], AllowedKanikoImages = ["*"] } };
        var run = new Reconciliation(tinyImage, now);
        var result = await new InputsReconciler(h.Cluster, o, null, new BuildPlanner(resolver, o, NullLogger.Instance)).ReconcileAsync(run, Token);
        return (run, result);
    }

    private static BuildReconciler BuildStep(StepHarness h, OperatorOptions? options = null) =>
        new(h.Cluster, new BuildPods(h.Cluster, NullLogger.Instance), options ?? Options, NullLogger.Instance);
}

using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.KubeEmulator;
using TinyImage.Operator.Reconciler;
using Xunit;
using static TinyImage.Operator.Tests.Reconciler.StepHarness;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

public sealed class DeployReconcilerTests
{
    private static readonly string Reference = Repository + "@" + Digest('b');

    [Fact]
    public async Task A_Verified_Image_Gets_A_Deployment_And_A_Service_Owned_By_The_TinyImage_And_Waits_For_The_Rollout()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Wait, Conditions.ReasonDeploying), (result.Action, result.Reason));
        var deployment = await h.Cluster.Deployments.GetAsync(Namespace, "hello", Token);
        Assert.Equal(Reference, deployment!.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(run.Uid, Owners.ControllerOf(deployment)?.Uid);
        Assert.Equal(run.Uid, Owners.ControllerOf((await h.Cluster.Services.GetAsync(Namespace, "hello", Token))!)?.Uid);
        Assert.Equal((Conditions.False, Conditions.ReasonDeploying), Condition(run, Conditions.Deployed));
        Assert.Null(run.Status.Serving);
        Assert.Equal(RolloutState.InProgress, run.Workload.Rollout);
    }

    [Fact]
    public async Task Creating_The_Deployment_And_The_Service_Is_Logged_At_Debug_Not_Information()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);
        var logger = new RecordingLogger();

        await new DeployReconciler(h.Cluster, Options, logger).ReconcileAsync(run, Token);

        // The way to Ready logs one Information line per state change; the Ready line says the workload exists.
        Assert.Equal(
            [(LogLevel.Debug, "Created Deployment demo/hello"), (LogLevel.Debug, "Created Service demo/hello")],
            logger.Lines.Where(l => l.Message.StartsWith("Created", StringComparison.Ordinal)).Order());
        Assert.DoesNotContain(logger.Lines, l => l.Level >= LogLevel.Information);
    }

    [Fact]
    public async Task A_Rollout_In_Progress_Waits_And_Writes_Nothing()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        await SyncAsync(h, status => status["observedGeneration"] = 1);
        var writes = h.Writes();

        var again = await h.PassAsync(tinyImage, run.Status);
        var result = await Step(h).ReconcileAsync(again, Token);

        Assert.Equal((StepAction.Wait, Conditions.ReasonDeploying), (result.Action, result.Reason));
        Assert.Contains("0 of 1 new replicas updated", result.Message, StringComparison.Ordinal);
        Assert.Equal(writes, h.Writes());
    }

    [Fact]
    public async Task A_Complete_Rollout_Continues_And_Names_The_Workload_As_Serving_Without_A_Write()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        await SyncAsync(h, RolledOut);
        var writes = h.Writes();

        var again = await h.PassAsync(tinyImage, run.Status);
        var result = await Step(h).ReconcileAsync(again, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        Assert.Equal(Reference, again.Status.Serving!.Reference);
        Assert.Equal((Conditions.True, Conditions.ReasonAvailable), Condition(again, Conditions.Deployed));
        Assert.True(again.Workload.Available);
        Assert.Equal(1, again.Status.Deployment!.ReadyReplicas);
        Assert.Equal(writes, h.Writes());
    }

    [Fact]
    public async Task The_Cached_Deployment_Has_No_Pod_Template_And_Is_Read_Only_Once_Someone_Else_Changed_Its_Spec()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        await SyncAsync(h, RolledOut);
        var cached = h.Cluster.DeploymentCache.Get(Namespace, "hello")!;
        Assert.Equal(Reference, Assert.Single(cached.Spec.Template.Spec.Containers).Image);
        Assert.Null(cached.Spec.Template.Spec.Containers[0].Command);
        Assert.StartsWith("sha256:", cached.Metadata.Annotations[CachedForm.SpecHashAnnotation], StringComparison.Ordinal);
        h.Kube.Requests.Clear();

        var result = await Step(h).ReconcileAsync(await h.PassAsync(tinyImage, run.Status), Token);

        Assert.Equal(StepAction.Continue, result.Action);
        Assert.Equal((0, 0), (h.Kube.Requests.Count("get", "deployments"), h.Writes("deployments")));

        // Someone changes the command: the spec hash annotation still says ours, the generation does not.
        Assert.True(h.Kube.Mutate("apps/v1", "deployments", Namespace, "hello", d => d["spec"]!["template"]!["spec"]!["containers"]![0]!["command"] = new JsonArray("/bin/sh")).IsSuccess);
        await SyncAsync(h, status => (status["observedGeneration"], status["replicas"], status["updatedReplicas"], status["readyReplicas"], status["availableReplicas"]) = (2, 1, 1, 1, 1));
        h.Kube.Requests.Clear();

        await Step(h).ReconcileAsync(await h.PassAsync(tinyImage, run.Status), Token);

        Assert.Equal((1, 1), (h.Kube.Requests.Count("get", "deployments"), h.Writes("deployments")));
        Assert.Equal(["/bin/hello"], (await h.Cluster.Deployments.GetAsync(Namespace, "hello", Token))!.Spec.Template.Spec.Containers[0].Command);
    }

    /// <summary>
    /// Issue 17, eighth round: a pass remembers that the cached Service matched the desired spec, so the next pass over the
    /// same cached instance does not compare it again. A Service someone changes is a new cached instance: compared, put back.
    /// </summary>
    [Fact]
    public async Task A_Service_Found_Matching_Stays_Unwritten_And_One_Someone_Changed_Is_Put_Back()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        await SyncAsync(h, RolledOut);
        var created = h.Kube.Get("v1", "services", Namespace, "hello").Body["spec"]!.DeepClone();
        h.Kube.Requests.Clear();

        for (var pass = 0; pass < 3; pass++)
        {
            Assert.Equal(StepAction.Continue, (await Step(h).ReconcileAsync(await h.PassAsync(tinyImage, run.Status), Token)).Action);
        }

        Assert.Equal(0, h.Writes("services"));

        Assert.True(h.Kube.Mutate("v1", "services", Namespace, "hello", svc => svc["spec"]!["selector"] = new JsonObject { ["app"] = "someone-else" }).IsSuccess);
        await SyncAsync(h, RolledOut);
        h.Kube.Requests.Clear();

        await Step(h).ReconcileAsync(await h.PassAsync(tinyImage, run.Status), Token);
        await SyncAsync(h, RolledOut);
        await Step(h).ReconcileAsync(await h.PassAsync(tinyImage, run.Status), Token);

        Assert.Equal(1, h.Writes("services"));
        Assert.Equal(created["selector"]!.ToJsonString(), h.Kube.Get("v1", "services", Namespace, "hello").Body["spec"]!["selector"]!.ToJsonString());
    }

    [Fact]
    public async Task The_Spec_Hash_Is_Of_The_Spec_As_The_Whole_Deployment_Serializes_It_So_An_Upgrade_Rewrites_No_Deployment()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);

        await Step(h).ReconcileAsync(run, Token);

        // Only the spec is serialized for the hash now (issue 17); the hash is the one the whole object's "spec" gave.
        var desired = TinyImage.Operator.Deploying.DeploymentBuilder.Build(run.Valid, Reference, run.Status.Image!.SpecHash!, Options);
        var whole = System.Text.Json.JsonSerializer.SerializeToNode(desired, ResourceTypes.Deployments.ItemInfo)!["spec"];
        var stored = (await h.Cluster.Deployments.GetAsync(Namespace, "hello", Token))!;
        Assert.Equal(CachedForm.SpecHash(whole), stored.Metadata.Annotations[CachedForm.SpecHashAnnotation]);
    }

    [Fact]
    public async Task An_Autoscaler_Changing_The_Replicas_Is_Left_Alone_With_Zero_Writes()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h, autoscaled: true);
        await Step(h).ReconcileAsync(run, Token);
        Assert.Equal(1, (await h.Cluster.Deployments.GetAsync(Namespace, "hello", Token))!.Spec.Replicas);

        // The HorizontalPodAutoscaler scales the Deployment to 5 (through the scale subresource, a plain spec write).
        var scaled = h.Kube.Mutate("apps/v1", "deployments", Namespace, "hello", d => d["spec"]!["replicas"] = 5);
        Assert.True(scaled.IsSuccess, scaled.Body.ToJsonString());
        await SyncAsync(h, status => (status["observedGeneration"], status["replicas"], status["updatedReplicas"], status["readyReplicas"], status["availableReplicas"]) = (2, 5, 5, 5, 5));
        var writes = h.Writes();

        var again = await h.PassAsync(tinyImage, run.Status);
        var result = await Step(h).ReconcileAsync(again, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        Assert.Equal(writes, h.Writes());
        Assert.Equal(5, (await h.Cluster.Deployments.GetAsync(Namespace, "hello", Token))!.Spec.Replicas);
        Assert.Equal(5, again.Status.Deployment!.ReadyReplicas);
    }

    [Fact]
    public async Task Without_Autoscaling_The_Operator_Writes_The_Spec_Replicas_Back()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        Assert.True(h.Kube.Mutate("apps/v1", "deployments", Namespace, "hello", d => d["spec"]!["replicas"] = 5).IsSuccess);
        await SyncAsync(h, RolledOut);
        var writes = h.Writes();

        var again = await h.PassAsync(tinyImage, run.Status);
        await Step(h).ReconcileAsync(again, Token);

        Assert.Equal(writes + 1, h.Writes());
        Assert.Equal(1, (await h.Cluster.Deployments.GetAsync(Namespace, "hello", Token))!.Spec.Replicas);
    }

    [Fact]
    public async Task An_Update_Of_An_Autoscaled_Deployment_Keeps_The_Autoscalers_Replicas()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h, autoscaled: true);
        await Step(h).ReconcileAsync(run, Token);
        Assert.True(h.Kube.Mutate("apps/v1", "deployments", Namespace, "hello", d => d["spec"]!["replicas"] = 4).IsSuccess);
        // Someone edits the pod template: the operator writes it back, and must not reset replicas on the way.
        Assert.True(h.Kube.Mutate("apps/v1", "deployments", Namespace, "hello", d => d["spec"]!["template"]!["spec"]!["containers"]![0]!["args"] = new JsonArray("--drift")).IsSuccess);
        await SyncAsync(h, RolledOut);
        var writes = h.Writes();

        var again = await h.PassAsync(tinyImage, run.Status);
        await Step(h).ReconcileAsync(again, Token);

        Assert.Equal(writes + 1, h.Writes());
        var deployment = (await h.Cluster.Deployments.GetAsync(Namespace, "hello", Token))!;
        Assert.Null(deployment.Spec.Template.Spec.Containers[0].Args);
        Assert.Equal(4, deployment.Spec.Replicas);
    }

    [Fact]
    public async Task An_Ingress_For_An_Allowed_Hostname_Is_Accepted_By_The_Strict_Emulator_And_Kept_Without_Writes()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h, deploy: new JsonObject
        {
            ["route"] = new JsonObject { ["kind"] = "Ingress", ["hostname"] = "hello.apps.example.com", ["path"] = "/api", ["ingressClassName"] = "nginx" },
        });

        await Step(h).ReconcileAsync(run, Token);

        var ingress = await h.Cluster.Ingresses.GetAsync(Namespace, "hello", Token);
        Assert.NotNull(ingress);
        Assert.Equal(run.Uid, Owners.ControllerOf(ingress)?.Uid);
        Assert.Equal(("hello.apps.example.com", "/api", "Prefix"), (ingress.Spec.Rules[0].Host, ingress.Spec.Rules[0].Http.Paths[0].Path, ingress.Spec.Rules[0].Http.Paths[0].PathType));
        Assert.Equal(("hello", 3000), (ingress.Spec.Rules[0].Http.Paths[0].Backend.Service.Name, ingress.Spec.Rules[0].Http.Paths[0].Backend.Service.Port.Number));
        await SyncAsync(h, RolledOut);
        var writes = h.Writes();

        await Step(h).ReconcileAsync(await h.PassAsync(tinyImage, run.Status), Token);

        Assert.Equal(writes, h.Writes());
    }

    [Fact]
    public async Task An_HttpRoute_Is_Accepted_By_The_Strict_Emulator_With_The_Real_Gateway_Api_Crd_And_Kept_Without_Writes()
    {
        await using var h = await StartAsync();
        var crd = YamlJson.Parse(await File.ReadAllTextAsync(TinyImage.Testing.RepoPaths.Repo("tests", "data", "gateway-api", "gateway.networking.k8s.io_httproutes.yaml"), Token))!.AsObject();
        Assert.True(h.Kube.Create("apiextensions.k8s.io/v1", "customresourcedefinitions", crd).IsSuccess);
        var (tinyImage, run) = await SetUpAsync(h, deploy: new JsonObject
        {
            ["route"] = new JsonObject
            {
                ["kind"] = "HTTPRoute", ["hostname"] = "hello.apps.example.com",
                ["gateway"] = new JsonObject { ["name"] = "public", ["namespace"] = "gateways", ["sectionName"] = "https" },
            },
        });

        await Step(h).ReconcileAsync(run, Token);

        var route = await h.Cluster.HttpRoutes.GetAsync(Namespace, "hello", Token);
        Assert.NotNull(route);
        Assert.Equal(run.Uid, Owners.ControllerOf(route)?.Uid);
        Assert.Equal(["hello.apps.example.com"], route.Spec.Hostnames);
        Assert.Equal(("public", "gateways", "https"), (route.Spec.ParentRefs![0].Name, route.Spec.ParentRefs[0].Namespace, route.Spec.ParentRefs[0].SectionName));
        Assert.Equal(("hello", 3000), (route.Spec.Rules![0].BackendRefs![0].Name, route.Spec.Rules[0].BackendRefs![0].Port));
        await SyncAsync(h, RolledOut);
        var writes = h.Writes();

        await Step(h).ReconcileAsync(await h.PassAsync(tinyImage, run.Status), Token);

        Assert.Equal(writes, h.Writes());
    }

    [Fact]
    public async Task Switching_The_Route_From_Ingress_To_HttpRoute_Removes_The_Ingress()
    {
        await using var h = await StartAsync();
        var crd = YamlJson.Parse(await File.ReadAllTextAsync(TinyImage.Testing.RepoPaths.Repo("tests", "data", "gateway-api", "gateway.networking.k8s.io_httproutes.yaml"), Token))!.AsObject();
        Assert.True(h.Kube.Create("apiextensions.k8s.io/v1", "customresourcedefinitions", crd).IsSuccess);
        var (tinyImage, run) = await SetUpAsync(h, deploy: new JsonObject { ["route"] = new JsonObject { ["kind"] = "Ingress", ["hostname"] = "hello.apps.example.com" } });
        await Step(h).ReconcileAsync(run, Token);
        Assert.NotNull(await h.Cluster.Ingresses.GetAsync(Namespace, "hello", Token));

        Assert.True(h.Kube.Mutate("tinyimage.dev/v1alpha1", "tinyimages", Namespace, "hello", t => t["spec"]!["deploy"]!["route"] = new JsonObject
        {
            ["kind"] = "HTTPRoute", ["hostname"] = "hello.apps.example.com", ["gateway"] = new JsonObject { ["name"] = "public" },
        }).IsSuccess);
        var edited = await h.ReadTinyImageAsync();
        await Step(h).ReconcileAsync(await h.PassAsync(edited, run.Status), Token);

        Assert.Null(await h.Cluster.Ingresses.GetAsync(Namespace, "hello", Token));
        Assert.NotNull(await h.Cluster.HttpRoutes.GetAsync(Namespace, "hello", Token));
    }

    [Fact]
    public async Task A_Rollout_Past_Its_Progress_Deadline_Fails()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        await SyncAsync(h, status =>
        {
            status["observedGeneration"] = 1;
            status["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Progressing",
                ["status"] = "False",
                ["reason"] = RolloutStatus.ProgressDeadlineExceeded,
                ["message"] = "ReplicaSet \"hello-1\" has timed out progressing.",
            });
        });

        var again = await h.PassAsync(tinyImage, run.Status);
        var result = await Step(h).ReconcileAsync(again, Token);

        Assert.Equal((StepAction.Fail, Conditions.ReasonProgressDeadlineExceeded), (result.Action, result.Reason));
        Assert.Contains("timed out progressing", result.Message, StringComparison.Ordinal);
        Assert.Equal((Conditions.False, Conditions.ReasonProgressDeadlineExceeded), Condition(again, Conditions.Deployed));
    }

    [Fact]
    public async Task Skipped_It_Observes_The_Workload_From_The_Cache_And_Writes_Nothing()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        await SyncAsync(h, RolledOut);
        h.Kube.Requests.Clear();

        var skipped = new Reconciliation(tinyImage, Now);
        skipped.Status.Image = run.Status.Image;
        Step(h).Skip(skipped);

        Assert.Empty(h.Kube.Requests.All);
        Assert.Equal(RolloutState.Complete, skipped.Workload.Rollout);
        Assert.Equal(Reference, skipped.Status.Serving!.Reference);
        Assert.Equal((Conditions.True, Conditions.ReasonAvailable), Condition(skipped, Conditions.Deployed));
    }

    [Fact]
    public async Task Without_A_Verified_Image_It_Waits_And_Creates_Nothing()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var run = await h.PassAsync(await h.CreateTinyImageAsync());

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Wait, Conditions.ReasonWaitingForVerification), (result.Action, result.Reason));
        Assert.Equal(0, h.Writes());
        Assert.Equal((Conditions.False, Conditions.ReasonWaitingForVerification), Condition(run, Conditions.Deployed));
    }

    [Fact]
    public async Task A_Deployment_Name_Held_By_Another_Owner_Stops_With_ChildConflict_And_Is_Left_Alone()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);
        var foreign = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = Namespace },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "theirs" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "theirs" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
                },
            },
        };
        await h.SeedAsync(h.Cluster.Deployments, h.Cluster.DeploymentCache, foreign);
        h.Kube.Requests.Clear();

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Stop, Conditions.ReasonChildConflict), (result.Action, result.Reason));
        Assert.Contains("Deployment " + Namespace + "/hello", result.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Writes());
        Assert.Equal("nginx:1.27", (await h.Cluster.Deployments.GetAsync(Namespace, "hello", Token))!.Spec.Template.Spec.Containers[0].Image);
    }

    /// <summary>A TinyImage whose current spec's image is verified (status.image), the inputs step done.</summary>
    private static async Task<(TinyImageResource TinyImage, Reconciliation Run)> SetUpAsync(StepHarness h, bool autoscaled = false, JsonObject? deploy = null)
    {
        h.CreateSource();
        deploy ??= autoscaled ? new JsonObject { ["autoscaling"] = new JsonObject() } : null;
        var tinyImage = await h.CreateTinyImageAsync(edit: deploy is null ? null : body => body["spec"]!["deploy"] = deploy);
        var hash = (await h.PassAsync(tinyImage)).Hash;
        var status = new TinyImageStatus
        {
            Image = new ImageStatus { Reference = Reference, Digest = Digest('b'), SpecHash = hash, Binary = "hello" },
        };
        return (tinyImage, await h.PassAsync(tinyImage, status));
    }

    private static void RolledOut(JsonObject status)
    {
        (status["observedGeneration"], status["replicas"], status["updatedReplicas"], status["readyReplicas"], status["availableReplicas"]) = (1, 1, 1, 1, 1);
    }

    /// <summary>Writes the Deployment's status as its controller would, and fills the caches with the Deployment and the Service.</summary>
    private static async Task SyncAsync(StepHarness h, Action<JsonObject> status)
    {
        var written = h.Kube.MutateStatus("apps/v1", "deployments", Namespace, "hello", d =>
        {
            if (d["status"] is not JsonObject s)
            {
                d["status"] = s = [];
            }

            status(s);
        });
        Assert.True(written.IsSuccess, written.Body.ToJsonString());
        await h.SyncAsync(h.Cluster.Deployments, h.Cluster.DeploymentCache, "hello");
        await h.SyncAsync(h.Cluster.Services, h.Cluster.ServiceCache, "hello");
    }

    private static DeployReconciler Step(StepHarness h) => new(h.Cluster, Options, NullLogger.Instance);

    private static (string? Status, string? Reason) Condition(Reconciliation run, string type) =>
        ConditionSet.Find(run.Status.Conditions, type) is { } c ? (c.Status, c.Reason) : (null, null);
}

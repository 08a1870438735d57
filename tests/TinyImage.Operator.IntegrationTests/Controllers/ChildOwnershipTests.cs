using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>Adopt only our own children: an object under a child's name that another owner (or nobody) controls is reported, never written.</summary>
public sealed class ChildOwnershipTests
{
    [Fact]
    public async Task A_Deployment_The_TinyImage_Does_Not_Control_Is_Reported_By_Name_And_Never_Written()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        var foreign = h.Kube.Create("apps/v1", "deployments", JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"hello","namespace":"demo","labels":{"app.kubernetes.io/managed-by":"tinyimage-operator"}},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"theirs"}},
                     "template":{"metadata":{"labels":{"app":"theirs"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}
            """)!.AsObject());
        Assert.True(foreign.IsSuccess, foreign.Body.ToJsonString());
        h.StartOperator();

        h.CreateTinyImage("hello");
        await Eventually.TrueAsync(() => (string?)h.Condition("hello", "Stalled")?["reason"] == "ChildConflict", "Stalled ChildConflict", () => h.TinyImage("hello")!["status"]?.ToJsonString() ?? "");

        Assert.Equal("Deployment demo/hello exists and is not controlled by this TinyImage", (string?)h.Condition("hello", "Stalled")?["message"]);
        Assert.Equal("Failed", h.Phase("hello"));
        Assert.Equal("False", (string?)h.Condition("hello", "Ready")?["status"]);
        Assert.Equal("nginx:1.27", h.DeployedImage("hello"));
        Assert.Null(h.Object("apps/v1", "deployments", "hello")!["metadata"]!["ownerReferences"]);
        Assert.Empty(h.Kube.Requests.Where(r => r.IsWrite && r.Resource == "deployments" && r.UserAgent?.StartsWith("tinyimage-operator", StringComparison.Ordinal) == true));

        // Once it is gone, the TinyImage's own Deployment is created and serves.
        Assert.True(h.Kube.Delete("apps/v1", "deployments", Namespace, "hello").IsSuccess);
        h.Annotate("hello", "nudge", "1");
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal(Repository + "@" + Digest('a'), h.DeployedImage("hello"));
    }

    [Fact]
    public async Task A_Build_Job_Under_The_Builds_Name_That_Another_Owner_Controls_Is_Reported_And_Not_Followed()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.CreateSource();
        var first = h.StartOperator();
        h.CreateTinyImage("hello");
        await Eventually.TrueAsync(() => h.JobFor("hello") is not null, "the build Job");
        await first.StopAsync();

        // Someone replaces the Job with one of their own under the same name (and our labels).
        var job = h.JobFor("hello")!;
        var name = (string)job["metadata"]!["name"]!;
        Assert.True(h.Kube.Delete("batch/v1", "jobs", Namespace, name, new DeleteOptions("Background")).IsSuccess);
        await Eventually.TrueAsync(() => h.Object("batch/v1", "jobs", name) is null, "the Job gone");
        var labels = job["metadata"]!["labels"]!.DeepClone();
        var created = h.Kube.Create("batch/v1", "jobs", new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["labels"] = labels },
            ["spec"] = JsonNode.Parse("""{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"kaniko","image":"busybox:1.36"}]}}}"""),
        });
        Assert.True(created.IsSuccess, created.Body.ToJsonString());
        h.Kube.Jobs.Complete(Namespace, name, Digest('f'));

        h.StartOperator();
        await Eventually.TrueAsync(() => (string?)h.Condition("hello", "Stalled")?["reason"] == "ChildConflict", "Stalled ChildConflict");
        Assert.Equal("Job demo/" + name + " exists and is not controlled by this TinyImage", (string?)h.Condition("hello", "Stalled")?["message"]);
        Assert.Null(h.TinyImage("hello")!["status"]!["build"]?["digest"]);
        Assert.Empty(h.Verifier.Requests);
    }

    [Fact]
    public async Task An_Sbom_ConfigMap_Of_Another_Owner_Is_Reported_And_Left_As_It_Is()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('c'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        Assert.True(h.Kube.Create("v1", "configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "hello-sbom", ["namespace"] = Namespace },
            ["data"] = new JsonObject { ["note"] = "theirs" },
        }).IsSuccess);
        h.StartOperator();

        h.CreateTinyImage("hello");
        await Eventually.TrueAsync(() => (string?)h.Condition("hello", "Stalled")?["reason"] == "ChildConflict", "Stalled ChildConflict");
        Assert.Equal("ConfigMap demo/hello-sbom exists and is not controlled by this TinyImage", (string?)h.Condition("hello", "Stalled")?["message"]);
        var sbom = h.Object("v1", "configmaps", "hello-sbom")!;
        Assert.Equal("theirs", (string?)sbom["data"]!["note"]);
        Assert.Null(sbom["metadata"]!["ownerReferences"]);
        Assert.Null(h.Object("apps/v1", "deployments", "hello"));
        Assert.Empty(h.Verifier.Requests);
    }

    [Fact]
    public async Task The_Digest_Is_Read_From_The_Pods_Of_This_Job_By_Its_Uid_Not_From_Pods_That_Share_Its_Name()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        await Eventually.TrueAsync(() => h.JobFor("hello") is { } j && h.Kube.Jobs.PodsOf(Namespace, (string)j["metadata"]!["name"]!).Count == 1, "the build pod");
        var jobName = (string)h.JobFor("hello")!["metadata"]!["name"]!;

        // A newer pod left by an earlier Job of the same name: same job-name labels, another controller-uid.
        var stale = h.Kube.Create("v1", "pods", JsonNode.Parse($$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{jobName}}}-old","namespace":"demo",
              "labels":{"batch.kubernetes.io/job-name":"{{{jobName}}}","job-name":"{{{jobName}}}","batch.kubernetes.io/controller-uid":"00000000-0000-0000-0000-000000000001","controller-uid":"00000000-0000-0000-0000-000000000001"}},
             "spec":{"restartPolicy":"Never","containers":[{"name":"kaniko","image":"kaniko"}]}}
            """)!.AsObject());
        Assert.True(stale.IsSuccess, stale.Body.ToJsonString());
        Assert.True(h.Kube.Mutate("v1", "pods", Namespace, jobName + "-old", p => p["metadata"]!["creationTimestamp"] = "2099-01-01T00:00:00Z").IsSuccess);
        var terminated = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 0, ["reason"] = "Completed", ["message"] = Digest('9') } };
        Assert.True(h.Kube.MutateStatus("v1", "pods", Namespace, jobName + "-old", p => p["status"] = new JsonObject
        {
            ["phase"] = "Succeeded",
            ["containerStatuses"] = new JsonArray(new JsonObject { ["name"] = "kaniko", ["image"] = "kaniko", ["imageID"] = "", ["ready"] = false, ["restartCount"] = 0, ["state"] = terminated }),
        }).IsSuccess);

        h.Kube.Jobs.Complete(Namespace, jobName, Digest('a'));
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal(Digest('a'), (string?)h.TinyImage("hello")!["status"]!["image"]!["digest"]);
    }
}

using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// Children as the API server stores them (empty values omitted, quantities canonical, fields defaulted) are what the
/// operator asked for: no write fights. The emulator normalizes and defaults every write as kube-apiserver does
/// (its Builtins rules), so what the operator reads back is what a real server would give it.
/// </summary>
public sealed class NormalizedChildrenTests
{
    [Fact]
    public async Task Children_The_Server_Normalized_And_Defaulted_Are_Not_Written_Again_And_The_Phase_Stays_Ready()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        h.EditSpec("hello", spec => spec["deploy"] = new JsonObject
        {
            ["args"] = new JsonArray("--greeting", "hi"),
            ["env"] = new JsonArray(
                new JsonObject { ["name"] = "EMPTY", ["value"] = "" },
                new JsonObject { ["name"] = "GREETING", ["value"] = "hi" }),
            ["resources"] = new JsonObject
            {
                ["limits"] = new JsonObject(),
                ["requests"] = new JsonObject { ["cpu"] = "1000m", ["memory"] = "0.5Gi" },
            },
        });
        await h.WaitForPhaseAsync("hello", "Ready");
        await Eventually.TrueAsync(() => h.Object("apps/v1", "deployments", "hello")?["spec"]?["template"]?["spec"]?["containers"]?[0]?["env"] is not null, "the Deployment with the env");

        // What the server stored is not what the operator sent: `value: ""` and the empty limits map omitted,
        // quantities canonical, defaults set.
        var deployment = h.Object("apps/v1", "deployments", "hello")!;
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("""{"name":"EMPTY"}""", container["env"]![0]!.ToJsonString());
        Assert.Null(container["resources"]!["limits"]);
        Assert.Equal(("1", "512Mi"), ((string?)container["resources"]!["requests"]!["cpu"], (string?)container["resources"]!["requests"]!["memory"]));
        Assert.Equal((600, "ClusterFirst", "File"), ((int?)deployment["spec"]!["progressDeadlineSeconds"], (string?)deployment["spec"]!["template"]!["spec"]!["dnsPolicy"], (string?)container["terminationMessagePolicy"]));
        Assert.NotNull(h.Object("v1", "services", "hello")!["spec"]!["clusterIP"]);
        await h.WaitForPhaseAsync("hello", "Ready");
        h.Kube.Requests.Clear();

        for (var i = 0; i < 3; i++)
        {
            var before = h.Kube.Requests.Count("get", "configmaps", Namespace);
            h.Annotate("hello", "nudge", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Eventually.TrueAsync(() => h.Kube.Requests.Count("get", "configmaps", Namespace) > before, "a reconcile pass");
        }

        Assert.Empty(h.Kube.Requests.Where(r => r.IsWrite && r.Resource is "deployments" or "services").Select(r => r.Verb + " " + r.Resource));
        Assert.Equal("Ready", h.Phase("hello"));
    }

    [Fact]
    public async Task Args_Env_And_Resources_Removed_From_The_Spec_Leave_The_Deployment()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('b'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        h.EditSpec("hello", spec => spec["deploy"] = new JsonObject
        {
            ["args"] = new JsonArray("--loud"),
            ["env"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = "hi" }),
            ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["memory"] = "64Mi" } },
        });
        await Eventually.TrueAsync(() => Container(h)?["args"] is not null && h.Phase("hello") == "Ready", "the Deployment with args");

        h.EditSpec("hello", spec => spec.Remove("deploy"));
        await Eventually.TrueAsync(
            () => Container(h) is { } c && c["args"] is null && c["env"] is null && c["resources"]?["limits"] is null,
            "args, env and limits gone from the Deployment",
            () => Container(h)?.ToJsonString() ?? "no Deployment");
    }

    private static JsonObject? Container(OperatorHarness h) =>
        h.Object("apps/v1", "deployments", "hello")?["spec"]?["template"]?["spec"]?["containers"]?[0]?.AsObject();
}

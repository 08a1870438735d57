using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// Build Jobs the operator deletes take their pods along. batch/v1 Jobs orphan their pods when a DELETE names no
/// propagation policy (the emulator carries that default), so this fails if the operator ever leaves the policy out.
/// </summary>
public sealed class BuildJobDeletionTests
{
    [Fact]
    public async Task A_Replaced_Build_And_A_Pruned_Old_Build_Are_Deleted_With_Their_Pods()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();

        string[] PodNames(string job) => [.. h.Kube.Jobs.PodsOf(Namespace, job).Select(p => (string)p["metadata"]!["name"]!)];
        string? NewJob(params string[] known) => h.Jobs()
            .Where(j => j["metadata"]!["deletionTimestamp"] is null)
            .Select(j => (string)j["metadata"]!["name"]!)
            .FirstOrDefault(n => n.StartsWith("hello-build-", StringComparison.Ordinal) && !known.Contains(n));
        bool AllGone(string job, string[] pods) => h.Object("batch/v1", "jobs", job) is null && pods.All(p => h.Object("v1", "pods", p) is null);

        // A running build replaced by a spec change: the operator deletes its Job, and the pod must go too.
        h.CreateTinyImage("hello");
        await Eventually.TrueAsync(() => h.JobFor("hello") is { } j && PodNames((string)j["metadata"]!["name"]!).Length == 1, "the first build's pod");
        var first = (string)h.JobFor("hello")!["metadata"]!["name"]!;
        var firstPods = PodNames(first);
        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["features"] = new JsonArray("fast") });
        await Eventually.TrueAsync(() => AllGone(first, firstPods), "the replaced build's Job and pod deleted",
            () => string.Join(", ", h.Kube.List("v1", "pods", Namespace).Select(p => (string?)p["metadata"]!["name"])));

        // Finished builds beyond the history limit of one (besides the current build): one old Job is pruned, with its pod.
        await Eventually.TrueAsync(() => NewJob(first) is not null, "the second build Job");
        var second = NewJob(first)!;
        h.Kube.Jobs.Complete(Namespace, second, Digest('b'));
        await h.WaitForPhaseAsync("hello", "Ready");
        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["features"] = new JsonArray("faster") });
        await Eventually.TrueAsync(() => NewJob(first, second) is not null, "the third build Job");
        var third = NewJob(first, second)!;
        h.Kube.Jobs.Complete(Namespace, third, Digest('c'));
        await Eventually.TrueAsync(() => h.Phase("hello") == "Ready" && h.DeployedImage("hello") == Repository + "@" + Digest('c'), "the third digest serving");
        var oldPods = new Dictionary<string, string[]> { [second] = PodNames(second), [third] = PodNames(third) };
        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["features"] = new JsonArray("fastest") });
        await Eventually.TrueAsync(() => NewJob(first, second, third) is not null, "the fourth build Job");
        h.Kube.Jobs.Complete(Namespace, NewJob(first, second, third)!, Digest('d'));
        await Eventually.TrueAsync(() => oldPods.Count(o => AllGone(o.Key, o.Value)) == 1, "one old build's Job and pod deleted",
            () => string.Join(", ", h.Kube.List("v1", "pods", Namespace).Select(p => (string?)p["metadata"]!["name"])));

        Assert.All(oldPods.Values, pods => Assert.Single(pods));
        Assert.Empty(h.Kube.BackgroundErrors);
    }
}

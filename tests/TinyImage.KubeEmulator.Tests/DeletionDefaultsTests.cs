using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// The default garbage-collection policy of a DELETE that names none (each strategy's DefaultGarbageCollectionPolicy,
/// the generic registry's deletionFinalizersForGarbageCollection) and the batch/v1 Job warning.
/// </summary>
public sealed class DeletionDefaultsTests
{
    private const string Jobs = "/apis/batch/v1/namespaces/default/jobs";
    private const string Warning = "299 - \"child pods are preserved by default when jobs are deleted; "
        + "set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning\"";

    private static async Task<(int Code, IReadOnlyList<string> Warnings)> DeleteAsync(HttpClient http, string path)
    {
        using var response = await http.DeleteAsync(path, KubeHttp.Bounded());
        return ((int)response.StatusCode, response.Headers.TryGetValues("Warning", out var values) ? [.. values] : []);
    }

    private static JsonObject OwnedBy(JsonObject cm, JsonObject owner)
    {
        cm["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = (string?)owner["apiVersion"],
            ["kind"] = (string?)owner["kind"],
            ["name"] = (string?)owner["metadata"]!["name"],
            ["uid"] = (string?)owner["metadata"]!["uid"],
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        });
        return cm;
    }

    [Fact]
    public async Task A_Job_Deleted_Without_A_Policy_Orphans_Its_Pod_And_Answers_The_Upstream_Warning()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, JobControllerTests.Job("build", "default"));
        var pod = kube.Jobs.StartPod("default", "build");
        var podPath = "/api/v1/namespaces/default/pods/" + (string)pod["metadata"]!["name"]!;

        var (code, warnings) = await DeleteAsync(http, Jobs + "/build");
        var jobGone = await KubeHttp.EventuallyAsync(async () => (await http.GetJsonAsync(Jobs + "/build")).Code == 404);
        var released = await KubeHttp.EventuallyAsync(async () =>
            (await http.GetJsonAsync(podPath)).Body["metadata"] is { } m && m["ownerReferences"] is null && m["finalizers"] is null);
        var (podCode, current) = await http.GetJsonAsync(podPath);

        Assert.Equal(200, code);
        Assert.Equal([Warning], warnings);
        Assert.True(jobGone);
        Assert.True(released);
        Assert.Equal(200, podCode);
        Assert.Null(current["metadata"]!["deletionTimestamp"]);
        Assert.Empty(kube.BackgroundErrors);
    }

    [Fact]
    public async Task A_Job_Deleted_With_Background_Takes_Its_Pod_Along_And_Is_Not_Warned()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, JobControllerTests.Job("build", "default"));
        kube.Jobs.StartPod("default", "build");

        var (code, warnings) = await DeleteAsync(http, Jobs + "/build?propagationPolicy=Background");
        var podGone = await KubeHttp.EventuallyAsync(() => kube.List("v1", "pods", "default").Count == 0);
        var (orphanCode, orphanWarnings) = await DeleteAsync(http, Jobs + "/none?propagationPolicy=Orphan");

        Assert.Equal(200, code);
        Assert.Empty(warnings);
        Assert.True(podGone);
        Assert.Equal(404, orphanCode);
        Assert.Empty(orphanWarnings);
    }

    [Fact]
    public async Task A_Delete_Collection_Of_Jobs_Without_A_Policy_Is_Warned_Once_And_Orphans_The_Pods()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, JobControllerTests.Job("a", "default"));
        await http.PostJsonAsync(Jobs, JobControllerTests.Job("b", "default"));
        kube.Jobs.StartPod("default", "a");
        kube.Jobs.StartPod("default", "b");

        var (code, warnings) = await DeleteAsync(http, Jobs);
        var jobsGone = await KubeHttp.EventuallyAsync(() => kube.List("batch/v1", "jobs", "default").Count == 0);
        var released = await KubeHttp.EventuallyAsync(() =>
            kube.List("v1", "pods", "default") is { Count: 2 } pods && pods.All(p => p["metadata"]!["ownerReferences"] is null && p["metadata"]!["finalizers"] is null));

        Assert.Equal(200, code);
        Assert.Equal([Warning], warnings);
        Assert.True(jobsGone);
        Assert.True(released);
    }

    [Fact]
    public async Task A_Job_Deleted_Without_A_Policy_Is_Marked_With_The_Orphan_Finalizer_While_Another_Finalizer_Holds_It()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var job = JobControllerTests.Job("held", "default");
        job["metadata"]!["finalizers"] = new JsonArray("example.dev/hold");
        await http.PostJsonAsync(Jobs, job);

        var (code, marked) = await http.DeleteJsonAsync(Jobs + "/held");

        Assert.Equal(200, code);
        Assert.NotNull((string?)marked["metadata"]!["deletionTimestamp"]);
        Assert.Contains("orphan", marked["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.Contains("example.dev/hold", marked["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
    }

    [Fact]
    public async Task A_Deployment_Deleted_Without_A_Policy_Collects_Its_Dependents_In_The_Background_Without_A_Warning()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, deployment) = await http.PostJsonAsync("/apis/apps/v1/namespaces/default/deployments", JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"app","image":"example/app:1"}]}}}}
            """)!.AsObject());
        await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", OwnedBy(KubeHttp.ConfigMap("web-child"), deployment));

        var (code, warnings) = await DeleteAsync(http, "/apis/apps/v1/namespaces/default/deployments/web");
        var (getCode, _) = await http.GetJsonAsync("/apis/apps/v1/namespaces/default/deployments/web");
        var collected = await KubeHttp.EventuallyAsync(() => kube.List("v1", "configmaps", "default").Count == 0);

        Assert.Equal(200, code);
        Assert.Empty(warnings);
        Assert.Equal(404, getCode);
        Assert.True(collected);
    }

    [Fact]
    public async Task An_Explicit_Policy_Replaces_The_Garbage_Collection_Finalizer_An_Object_Already_Carries()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var w = KubeHttp.Widget("w");
        w["metadata"]!["finalizers"] = new JsonArray("example.dev/hold", "orphan");
        await http.PostJsonAsync(KubeHttp.WidgetsPath, w);

        var (_, foreground) = await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/w?propagationPolicy=Foreground");
        var (_, again) = await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/w");
        var (_, orphan) = await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/w", new JsonObject { ["orphanDependents"] = true });

        Assert.Equal(["example.dev/hold", "foregroundDeletion"], foreground["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.Equal(["example.dev/hold", "foregroundDeletion"], again["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.Equal(["example.dev/hold", "orphan"], orphan["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
    }

    [Fact]
    public async Task An_Event_Takes_No_Garbage_Collection_Finalizer_And_Goes_At_Once_Even_In_The_Foreground()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync("/api/v1/namespaces/default/events", JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"e1","namespace":"default"},
             "involvedObject":{"kind":"Pod","namespace":"default","name":"p"},"reason":"Started","message":"m","type":"Normal",
             "source":{"component":"kubelet"}}
            """)!.AsObject());

        var (code, _) = await http.DeleteJsonAsync("/api/v1/namespaces/default/events/e1?propagationPolicy=Foreground");
        var (getCode, _) = await http.GetJsonAsync("/api/v1/namespaces/default/events/e1");

        Assert.Equal(200, code);
        Assert.Equal(404, getCode);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Workloads;

/// <summary>Deployments to roll and ways to read what the controllers did.</summary>
internal static class Rollouts
{
    public const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    public static JsonObject Deployment(string name, int replicas, string image = "example/app:1", JsonObject? strategy = null, int? minReadySeconds = null, int? progressDeadlineSeconds = null, int? revisionHistoryLimit = null)
    {
        var spec = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) },
            },
        };
        if (strategy is not null)
        {
            spec["strategy"] = strategy;
        }

        if (minReadySeconds is { } m)
        {
            spec["minReadySeconds"] = m;
        }

        if (progressDeadlineSeconds is { } p)
        {
            spec["progressDeadlineSeconds"] = p;
        }

        if (revisionHistoryLimit is { } r)
        {
            spec["revisionHistoryLimit"] = r;
        }

        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = spec,
        };
    }

    public static JsonNode ImagePatch(string image) =>
        new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) } },
            },
        };

    public static JsonObject Get(ApiServerEmulator kube, string name) => kube.Get("apps/v1", "deployments", "default", name).Body;

    public static JsonObject Status(ApiServerEmulator kube, string name) => Get(kube, name)["status"] as JsonObject ?? [];

    public static int Count(JsonObject status, string field) => Number(status[field]) ?? 0;

    /// <summary>An integer however the stored JSON holds it (int or long).</summary>
    public static int? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<long>(out var l) => (int)l,
        _ => null,
    };

    public static JsonObject? Condition(JsonObject status, string type) =>
        (status["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    public static (string? Status, string? Reason, string? Message) Pick(JsonObject? condition) =>
        ((string?)condition?["status"], (string?)condition?["reason"], (string?)condition?["message"]);

    /// <summary>replicas / updated / ready / available / unavailable, as <c>kubectl get deploy -o wide</c> would summarise them.</summary>
    public static (int Replicas, int Updated, int Ready, int Available, int Unavailable) Counts(JsonObject status) =>
        (Count(status, "replicas"), Count(status, "updatedReplicas"), Count(status, "readyReplicas"), Count(status, "availableReplicas"), Count(status, "unavailableReplicas"));

    public static bool Complete(JsonObject deployment)
    {
        var status = deployment["status"] as JsonObject ?? [];
        var replicas = (int?)deployment["spec"]?["replicas"] ?? 1;
        return (long?)status["observedGeneration"] == (long?)deployment["metadata"]?["generation"]
            && Count(status, "replicas") == replicas && Count(status, "updatedReplicas") == replicas && Count(status, "availableReplicas") == replicas
            && (string?)Condition(status, "Progressing")?["reason"] == "NewReplicaSetAvailable";
    }

    public static async Task WaitAsync(Func<bool> condition, string what, Func<string>? diagnostics = null, TimeSpan? within = null) =>
        Assert.True(await KubeHttp.EventuallyAsync(condition, within), what + (diagnostics is null ? "" : "\n" + diagnostics()));

    /// <summary>Every change to <paramref name="plural"/> since <paramref name="resourceVersion"/>, from the watch history.</summary>
    public static async Task<List<(string Type, JsonObject Object)>> HistoryAsync(ApiServerEmulator kube, string plural, long resourceVersion)
    {
        var http = kube.CreateHttpClient();
        var group = plural == "pods" ? "/api/v1" : "/apis/apps/v1";
        await using var watch = await WatchStream.OpenAsync(http, $"{group}/namespaces/default/{plural}?watch=true&timeoutSeconds=1&resourceVersion={resourceVersion.ToString(CultureInfo.InvariantCulture)}");
        return [.. (await watch.ReadToEndAsync()).Where(e => e.Type != "BOOKMARK")];
    }

    public static string Name(JsonObject obj) => (string)obj["metadata"]!["name"]!;

    public static string Hash(JsonObject obj) => (string)obj["metadata"]!["labels"]!["pod-template-hash"]!;
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>Small HTTP helpers for talking to the emulator as a raw client would.</summary>
internal static class KubeHttp
{
    public const string Merge = "application/merge-patch+json";
    public const string Strategic = "application/strategic-merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";
    public const string Apply = "application/apply-patch+yaml";

    /// <summary>A test-bounded token: the test's own token, cancelled after 20 seconds at the latest.</summary>
    public static CancellationToken Bounded(TimeSpan? within = null)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(within ?? TimeSpan.FromSeconds(20));
        return cts.Token;
    }

    public static async Task<(int Code, JsonObject Body)> SendAsync(
        this HttpClient http, HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await http.SendAsync(request, Bounded());
        var text = await response.Content.ReadAsStringAsync(Bounded());
        var parsed = text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text)!.AsObject() : new JsonObject { ["text"] = text };
        return ((int)response.StatusCode, parsed);
    }

    public static Task<(int Code, JsonObject Body)> GetJsonAsync(this HttpClient http, string path) => http.SendAsync(HttpMethod.Get, path);

    public static Task<(int Code, JsonObject Body)> PostJsonAsync(this HttpClient http, string path, JsonObject body) => http.SendAsync(HttpMethod.Post, path, body);

    public static Task<(int Code, JsonObject Body)> PutJsonAsync(this HttpClient http, string path, JsonObject body) => http.SendAsync(HttpMethod.Put, path, body);

    public static Task<(int Code, JsonObject Body)> PatchJsonAsync(this HttpClient http, string path, JsonNode body, string contentType = Merge) =>
        http.SendAsync(HttpMethod.Patch, path, body, contentType);

    public static Task<(int Code, JsonObject Body)> DeleteJsonAsync(this HttpClient http, string path, JsonObject? options = null) =>
        http.SendAsync(HttpMethod.Delete, path, options);

    public static JsonObject ConfigMap(string name, string ns = "default", IDictionary<string, string>? labels = null, IDictionary<string, string>? data = null)
    {
        var meta = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (labels is not null)
        {
            meta["labels"] = new JsonObject(labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = meta,
            ["data"] = new JsonObject((data ?? new Dictionary<string, string> { ["k"] = "v" }).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
    }

    /// <summary>The test CRD-like type: example.dev/v1 Widget, namespaced, with a status subresource.</summary>
    public static ResourceType Widgets { get; } = new("example.dev", "v1", "Widget", "widgets", true)
    {
        HasStatus = true,
        IsCustomResource = true,
        ShortNames = ["wd"],
        PrinterColumns = [new PrinterColumn("Phase", "string", ".status.phase"), new PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")],
    };

    public const string WidgetsPath = "/apis/example.dev/v1/namespaces/default/widgets";

    public static JsonObject Widget(string name, int size = 1, string ns = "default") => new()
    {
        ["apiVersion"] = "example.dev/v1",
        ["kind"] = "Widget",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject { ["size"] = size },
    };

    public static async Task<ApiServerEmulator> StartAsync(ApiServerEmulatorOptions? options = null)
    {
        var kube = await ApiServerEmulator.StartAsync(options, Bounded());
        kube.Resources.Register(Widgets);
        return kube;
    }

    public static string Rv(this JsonObject obj) => (string)obj["metadata"]!["resourceVersion"]!;

    public static long Generation(this JsonObject obj) => obj["metadata"]!["generation"]!.GetValue<long>();

    /// <summary>Polls <paramref name="condition"/> until it holds or the bound passes; never a bare sleep.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var ct = Bounded(within ?? TimeSpan.FromSeconds(10));
        while (!ct.IsCancellationRequested)
        {
            if (await condition())
            {
                return true;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return await condition();
    }

    public static Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? within = null) =>
        EventuallyAsync(() => Task.FromResult(condition()), within);
}

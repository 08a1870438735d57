using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.Bench.Cluster;

/// <summary>One request from the emulator's log (<c>GET /_emulator/requests</c>); <see cref="Micros"/> is its arrival.</summary>
internal sealed record LoggedRequest(int Index, long Micros, string Verb, string? Resource, string? Name, string? Subresource, int Code, string UserAgent, string Path)
{
    public bool IsWrite => Verb is "create" or "update" or "patch" or "delete" or "deletecollection";

    public bool IsOperator => UserAgent.Contains(KubeApi.OperatorAgent, StringComparison.Ordinal);

    public string Key => Verb + " " + Resource + (Subresource is null ? "" : "/" + Subresource);
}

/// <summary>A Job the emulator completed, and when.</summary>
internal sealed record CompletedJob(string Name, string? Message, long Micros);

/// <summary>The harness's own client of the emulator (User-Agent <see cref="Agent"/>, so its requests are told apart).</summary>
internal sealed class KubeApi : IDisposable
{
    public const string Agent = "tinyimage-bench";
    public const string OperatorAgent = "tinyimage-operator/";

    public KubeApi(Uri baseAddress)
    {
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        Http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(Agent, "1"));
    }

    public HttpClient Http { get; }

    public static long NowMicros() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;

    public async Task<JsonObject> SendAsync(HttpMethod method, string path, string? body, string contentType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await Http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    public Task<JsonObject> CreateAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body.ToJsonString(), "application/json", cancellationToken);

    public Task<JsonObject> CreateYamlAsync(string path, string yaml, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, yaml, "application/yaml", cancellationToken);

    public Task<JsonObject> MergePatchAsync(string path, JsonObject patch, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, path, patch.ToJsonString(), "application/merge-patch+json", cancellationToken);

    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return response.IsSuccessStatusCode;
    }

    /// <summary>The emulator's request log from entry <paramref name="from"/> on.</summary>
    public async Task<(List<LoggedRequest> Requests, int Next)> RequestsAsync(int from, CancellationToken cancellationToken)
    {
        await using var stream = await Http.GetStreamAsync(new Uri("/_emulator/requests?from=" + from, UriKind.Relative), cancellationToken);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var list = new List<LoggedRequest>();
        foreach (var r in doc.RootElement.GetProperty("requests").EnumerateArray())
        {
            list.Add(new LoggedRequest(
                r.GetProperty("i").GetInt32(),
                r.GetProperty("t").GetInt64(),
                r.GetProperty("verb").GetString()!,
                r.GetProperty("resource").GetString(),
                r.GetProperty("name").GetString(),
                r.GetProperty("subresource").GetString(),
                r.GetProperty("code").GetInt32(),
                r.GetProperty("userAgent").GetString() ?? "",
                r.GetProperty("path").GetString() ?? "/"));
        }

        return (list, doc.RootElement.GetProperty("next").GetInt32());
    }

    /// <summary>How many requests the log holds now.</summary>
    public async Task<int> RequestCountAsync(CancellationToken cancellationToken)
    {
        await using var stream = await Http.GetStreamAsync(new Uri("/_emulator/requests/summary?userAgent=-none-", UriKind.Relative), cancellationToken);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return doc.RootElement.GetProperty("next").GetInt32();
    }

    /// <summary>
    /// The emulator's current resourceVersion: one global counter that every committed write (a client's, or one of the
    /// emulator's own controllers') advances by one, so its difference over a run counts every write the store made.
    /// </summary>
    public async Task<long> ResourceVersionAsync(CancellationToken cancellationToken)
    {
        var list = await SendAsync(HttpMethod.Get, "/api/v1/namespaces?limit=1", null, "application/json", cancellationToken);
        return long.Parse((string)list["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<CompletedJob>> CompletionsAsync(CancellationToken cancellationToken)
    {
        await using var stream = await Http.GetStreamAsync(new Uri("/_emulator/jobs/completions", UriKind.Relative), cancellationToken);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return [.. doc.RootElement.EnumerateArray().Select(c => new CompletedJob(c.GetProperty("name").GetString()!, c.GetProperty("message").GetString(), c.GetProperty("t").GetInt64()))];
    }

    /// <summary>The emulator process's cumulative runtime counters (<c>/_emulator/runtime</c>): JIT time and methods, bytes allocated, GC pauses.</summary>
    /// <returns>The counters, or null from an emulator built before the endpoint existed (a baseline binary).</returns>
    public async Task<EmulatorRuntime?> RuntimeAsync(CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri("/_emulator/runtime", UriKind.Relative), cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var r = doc.RootElement;
        return new EmulatorRuntime(
            r.GetProperty("jitMilliseconds").GetDouble() / 1000,
            r.GetProperty("jitMethods").GetInt64(),
            r.GetProperty("allocatedBytes").GetInt64(),
            r.GetProperty("gcPauseMilliseconds").GetDouble() / 1000,
            r.TryGetProperty("nativeAot", out var aot) ? aot.GetBoolean() : null,
            r.TryGetProperty("threadPoolWorkItems", out var items) ? items.GetInt64() : null);
    }

    public void Dispose() => Http.Dispose();
}

/// <summary>The emulator's cumulative runtime counters at one moment; the difference of two is what happened between them.</summary>
/// <param name="NativeAot">Whether the emulator is a NativeAOT binary (null from one built before it said so).</param>
/// <param name="ThreadPoolWorkItems">Work items its thread pool ran (null from one built before it said so).</param>
internal sealed record EmulatorRuntime(double JitSeconds, long JitMethods, long AllocatedBytes, double GcPauseSeconds, bool? NativeAot, long? ThreadPoolWorkItems)
{
    public static EmulatorRuntime? Between(EmulatorRuntime? before, EmulatorRuntime? after) =>
        before is null || after is null
            ? null
            : new(
                after.JitSeconds - before.JitSeconds,
                after.JitMethods - before.JitMethods,
                after.AllocatedBytes - before.AllocatedBytes,
                after.GcPauseSeconds - before.GcPauseSeconds,
                after.NativeAot,
                after.ThreadPoolWorkItems - before.ThreadPoolWorkItems);
}

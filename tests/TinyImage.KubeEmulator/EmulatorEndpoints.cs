using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TinyImage.KubeEmulator;

/// <summary>
/// What the emulator itself knows, over HTTP, for processes that run it standalone (benchmarks, demos). Paths under
/// <c>/_emulator/</c> are not Kubernetes API paths and are not written to the request log:
/// <list type="bullet">
/// <item><c>GET /_emulator/requests?from=N</c>: the request log from entry N on (times in Unix microseconds).</item>
/// <item><c>GET /_emulator/requests/summary?from=N&amp;userAgent=TEXT</c>: counts by verb and by verb+resource(/subresource),
/// optionally only for clients whose User-Agent contains TEXT.</item>
/// <item><c>GET /_emulator/jobs/completions</c>: every Job the simulator completed or failed, with its time.</item>
/// <item><c>GET /_emulator/runtime</c>: the emulator process's own runtime counters, cumulative since it started: time in the
/// JIT compiler and methods compiled, bytes allocated, collections per generation and their total pause, thread-pool work items run
/// and thread-pool threads, and whether the process is
/// NativeAOT (<c>nativeAot</c>; then nothing is JIT-compiled). A benchmark reads
/// them before and after what it measures, so the emulator's one-time compilation and its allocation are named apart from
/// its CPU per object.</item>
/// </list>
/// </summary>
internal static class EmulatorEndpoints
{
    public const string Prefix = "/_emulator";

    public static void Map(IApplicationBuilder app, RequestLog requests, JobSimulator jobs) =>
        app.Map(Prefix, branch => branch.Run(ctx => HandleAsync(ctx, requests, jobs)));

    private static async Task HandleAsync(HttpContext ctx, RequestLog requests, JobSimulator jobs)
    {
        if (!HttpMethods.IsGet(ctx.Request.Method))
        {
            ctx.Response.StatusCode = 405;
            return;
        }

        var from = int.TryParse(ctx.Request.Query["from"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : 0;
        using var buffer = new MemoryStream();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            switch (ctx.Request.Path.Value)
            {
                case "/requests":
                    WriteRequests(w, requests.All, from);
                    break;
                case "/requests/summary":
                    WriteSummary(w, requests.All, from, ctx.Request.Query["userAgent"].ToString());
                    break;
                case "/jobs/completions":
                    WriteCompletions(w, jobs.Completions);
                    break;
                case "/runtime":
                    WriteRuntime(w);
                    break;
                default:
                    ctx.Response.StatusCode = 404;
                    return;
            }
        }

        ctx.Response.ContentType = "application/json";
        buffer.Position = 0;
        await buffer.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
    }

    private static long Micros(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).Ticks / 10;

    private static void WriteRuntime(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("jitMilliseconds", System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);
        w.WriteNumber("jitMethods", System.Runtime.JitInfo.GetCompiledMethodCount());
        w.WriteNumber("allocatedBytes", GC.GetTotalAllocatedBytes());
        w.WriteNumber("gcPauseMilliseconds", GC.GetTotalPauseDuration().TotalMilliseconds);
        w.WriteNumber("threadPoolWorkItems", ThreadPool.CompletedWorkItemCount);
        w.WriteNumber("threadPoolThreads", ThreadPool.ThreadCount);
        w.WriteStartArray("collections");
        for (var g = 0; g <= GC.MaxGeneration; g++)
        {
            w.WriteNumberValue(GC.CollectionCount(g));
        }

        w.WriteEndArray();
        w.WriteBoolean("nativeAot", !System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported); // no JIT: 0 above
        w.WriteEndObject();
    }

    private static void WriteRequests(Utf8JsonWriter w, IReadOnlyList<RecordedRequest> all, int from)
    {
        w.WriteStartObject();
        w.WriteNumber("next", all.Count);
        w.WriteStartArray("requests");
        for (var i = Math.Max(0, from); i < all.Count; i++)
        {
            var r = all[i];
            w.WriteStartObject();
            w.WriteNumber("i", i);
            w.WriteNumber("t", Micros(r.Time));
            w.WriteString("verb", r.Verb);
            w.WriteString("group", r.Group);
            w.WriteString("resource", r.Resource);
            w.WriteString("namespace", r.Namespace);
            w.WriteString("name", r.Name);
            w.WriteString("subresource", r.Subresource);
            w.WriteNumber("code", r.StatusCode);
            w.WriteString("userAgent", r.UserAgent);
            w.WriteString("path", r.Path);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter w, IReadOnlyList<RecordedRequest> all, int from, string userAgent)
    {
        var byVerb = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byResource = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int total = 0, writes = 0;
        for (var i = Math.Max(0, from); i < all.Count; i++)
        {
            var r = all[i];
            if (userAgent.Length > 0 && r.UserAgent?.Contains(userAgent, StringComparison.Ordinal) != true)
            {
                continue;
            }

            total++;
            writes += r.IsWrite ? 1 : 0;
            byVerb[r.Verb] = byVerb.GetValueOrDefault(r.Verb) + 1;
            var key = r.Verb + " " + (r.Resource ?? r.Path) + (r.Subresource is null ? "" : "/" + r.Subresource);
            byResource[key] = byResource.GetValueOrDefault(key) + 1;
        }

        w.WriteStartObject();
        w.WriteNumber("from", from);
        w.WriteNumber("next", all.Count);
        w.WriteNumber("total", total);
        w.WriteNumber("writes", writes);
        w.WriteNumber("reads", total - writes);
        w.WriteStartObject("byVerb");
        foreach (var (k, v) in byVerb)
        {
            w.WriteNumber(k, v);
        }

        w.WriteEndObject();
        w.WriteStartObject("byResource");
        foreach (var (k, v) in byResource)
        {
            w.WriteNumber(k, v);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteCompletions(Utf8JsonWriter w, IReadOnlyList<JobCompletion> completions)
    {
        w.WriteStartArray();
        foreach (var c in completions)
        {
            w.WriteStartObject();
            w.WriteString("namespace", c.Namespace);
            w.WriteString("name", c.Name);
            w.WriteBoolean("succeeded", c.Succeeded);
            w.WriteString("message", c.TerminationMessage);
            w.WriteNumber("t", Micros(c.Time));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}

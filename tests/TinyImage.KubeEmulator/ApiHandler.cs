using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

using TinyImage.KubeEmulator.FieldValidation;
using TinyImage.KubeEmulator.OpenApi;
using TinyImage.KubeEmulator.Protobuf;

namespace TinyImage.KubeEmulator;

/// <summary>The HTTP surface: routes a request to discovery, CRUD, watch, status or log handling, with faults and logging around it.</summary>
internal sealed class ApiHandler(
    ObjectStore store,
    ResourceRegistry registry,
    FaultInjector faults,
    RequestLog log,
    PodLogs podLogs,
    ApiServerEmulatorOptions options,
    Func<string> serverAddress,
    Action<Exception> onError)
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private static readonly byte[] EventEnd = "}\n"u8.ToArray();
    private static readonly byte[] AddedPrefix = "{\"type\":\"ADDED\",\"object\":"u8.ToArray();
    private static readonly byte[] ModifiedPrefix = "{\"type\":\"MODIFIED\",\"object\":"u8.ToArray();
    private static readonly byte[] DeletedPrefix = "{\"type\":\"DELETED\",\"object\":"u8.ToArray();

    /// <summary>Authentication and RBAC in front of every request (see Auth/); null serves everyone as admin.</summary>
    public Auth.AccessControl? Access { get; init; }

    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            await HandleCoreAsync(ctx);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the emulator: answer as the real server answers a panic, and keep it for the test to see.
            onError(e);
            if (!ctx.Response.HasStarted)
            {
                ctx.Response.StatusCode = 500;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(ApiErrors.ForCode(500, "emulator bug: " + e).Body.ToJsonString(), ctx.RequestAborted);
            }
        }
    }

    private async Task HandleCoreAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        var route = Route.Parse(ctx.Request.Method, ctx.Request.Path.Value ?? "/", ctx.Request.Query, registry);
        var draft = new RecordedRequest(
            route.Verb, route.Type?.Group ?? route.Group, route.Version, route.Resource, route.Namespace, route.Name, route.Subresource, 0,
            options.TimeProvider.GetUtcNow(), ctx.Request.Path.Value ?? "/", ctx.Request.ContentType, ctx.Request.Headers.UserAgent.ToString());
        if (Access is not null && await Access.InterceptAsync(ctx, route, ct) is { } answered)
        {
            await WriteAsync(ctx, draft, answered, ct);
            return;
        }

        var delay = faults.LatencyFor(draft);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, options.TimeProvider, ct);
        }

        if (faults.NextFailure(draft) is { } failure)
        {
            var injected = ApiErrors.ForCode(failure.Code, failure.Message);
            if (failure.Code == 429)
            {
                ctx.Response.Headers.RetryAfter = "1";
            }

            await WriteAsync(ctx, draft, injected, ct);
            return;
        }

        if (!route.IsResource)
        {
            await WriteAsync(ctx, draft, NonResource(route), ct, compressible: false);
            return;
        }

        if (route.Type is null)
        {
            await WriteAsync(ctx, draft, ApiErrors.NoSuchResource(), ct);
            return;
        }

        if (route.Verb == "watch")
        {
            await WatchAsync(ctx, draft, route, ct);
            return;
        }

        if (route.Subresource == "log")
        {
            await LogAsync(ctx, draft, route, ct);
            return;
        }

        var result = await ExecuteAsync(ctx, route, ct);
        if (result.IsSuccess && route.Verb is "get" or "list" && route.Subresource is null && PartialObjectMetadata.Wanted(ctx.Request.Headers.Accept.ToString()))
        {
            result = result with { Body = route.Verb == "list" ? PartialObjectMetadata.ListOf(result.Body) : PartialObjectMetadata.Of(result.Body) };
        }
        else if (result.IsSuccess && route.Verb is "get" or "list" && WantsTable(ctx.Request.Headers.Accept.ToString()))
        {
            result = result with
            {
                Body = TableConverter.ToTable(route.Type, result.Body, ctx.Request.Query["includeObject"].ToString() is { Length: > 0 } io ? io : null, options.TimeProvider.GetUtcNow()),
            };
        }

        await WriteAsync(ctx, draft, result, ct);
    }

    private async Task<ApiResult> ExecuteAsync(HttpContext ctx, Route route, CancellationToken ct)
    {
        var type = route.Type!;
        var query = ctx.Request.Query;
        var dryRun = query["dryRun"].ToString() == "All";
        if (route.Subresource is { } sub && (sub != "status" || !type.HasStatus))
        {
            return ApiErrors.NoSuchResource();
        }

        var statusOnly = route.Subresource == "status";
        if (statusOnly && route.Verb is not ("get" or "update" or "patch"))
        {
            return ApiErrors.MethodNotAllowed(ctx.Request.Method);
        }

        switch (route.Verb)
        {
            case "get":
                return store.Get(type, route.Namespace, route.Name!);
            case "list":
            case "deletecollection":
            {
                var labels = LabelSelector.Parse(query["labelSelector"], out var labelError);
                if (labels is null)
                {
                    return ApiErrors.BadRequest(labelError!);
                }

                var fields = FieldSelector.Parse(query["fieldSelector"], type, out var fieldError);
                if (fields is null)
                {
                    return ApiErrors.BadRequest(fieldError!);
                }

                if (route.Verb == "deletecollection")
                {
                    var deleteOptions = await ReadDeleteOptionsAsync(ctx, ct);
                    WarnOfDefaultPropagation(ctx, type, deleteOptions.Options);
                    return deleteOptions.Result ?? store.DeleteCollection(type, route.Namespace, labels, fields, deleteOptions.Options!);
                }

                var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : (int?)null;
                var cont = query["continue"].ToString();
                return store.List(type, route.Namespace, labels, fields, limit, cont.Length > 0 ? cont : null);
            }

            case "create":
            {
                var (body, error, duplicates) = await ReadObjectAsync(ctx, ct);
                return error ?? ValidateFields(ctx, type, body!, duplicates, patch: false) ?? store.Create(type, route.Namespace, body!, dryRun, owned: true);
            }

            case "update":
            {
                var (body, error, duplicates) = await ReadObjectAsync(ctx, ct);
                return error ?? ValidateFields(ctx, type, body!, duplicates, patch: false) ?? store.Update(type, route.Namespace, route.Name!, body!, statusOnly, dryRun, owned: true);
            }

            case "patch":
            {
                var mediaType = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
                PatchKind? kind = mediaType switch
                {
                    "application/merge-patch+json" => PatchKind.Merge,
                    "application/strategic-merge-patch+json" when !type.IsCustomResource => PatchKind.StrategicMerge,
                    "application/json-patch+json" => PatchKind.Json,
                    "application/apply-patch+yaml" => PatchKind.Apply,
                    _ => null,
                };
                if (kind is null)
                {
                    return ApiErrors.UnsupportedMediaType(mediaType);
                }

                using var bytes = await ReadBytesAsync(ctx, ct);
                var duplicates = kind == PatchKind.Apply ? null : new List<string>();
                JsonNode? patch;
                try
                {
                    patch = kind == PatchKind.Apply ? YamlJson.Parse(Text(bytes)) : LastWinsJson.Parse(Utf8(bytes), duplicates);
                }
                catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
                {
                    return ApiErrors.BadRequest("error decoding patch: " + e.Message);
                }

                if (patch is null)
                {
                    return ApiErrors.BadRequest("empty patch");
                }

                if (ValidatePatchFields(ctx, type, kind.Value, patch, duplicates) is { } refused)
                {
                    return refused;
                }

                return store.Patch(type, route.Namespace, route.Name!, kind.Value, patch, statusOnly, query["fieldManager"].ToString(), dryRun);
            }

            case "delete":
            {
                var deleteOptions = await ReadDeleteOptionsAsync(ctx, ct);
                WarnOfDefaultPropagation(ctx, type, deleteOptions.Options);
                return deleteOptions.Result ?? store.Delete(type, route.Namespace, route.Name!, deleteOptions.Options!);
            }

            default:
                return ApiErrors.MethodNotAllowed(ctx.Request.Method);
        }
    }

    private async Task WatchAsync(HttpContext ctx, RecordedRequest draft, Route route, CancellationToken ct)
    {
        var type = route.Type!;
        var query = ctx.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"], out var labelError);
        var fieldText = query["fieldSelector"].ToString();
        if (route.Name is not null)
        {
            fieldText = string.IsNullOrEmpty(fieldText) ? "metadata.name=" + route.Name : fieldText + ",metadata.name=" + route.Name;
        }

        var fields = FieldSelector.Parse(fieldText, type, out var fieldError);
        if (labels is null || fields is null)
        {
            await WriteAsync(ctx, draft, ApiErrors.BadRequest(labelError ?? fieldError!), ct);
            return;
        }

        var bookmarks = query["allowWatchBookmarks"].ToString() is "true" or "1";
        var sendInitial = query["sendInitialEvents"].ToString() is "true" or "1";
        var (sub, error) = store.Watch(type, route.Namespace, query["resourceVersion"].ToString(), sendInitial);
        if (error is not null)
        {
            if (error.Code != 410 || options.ExpiredWatchAsHttpError)
            {
                await WriteAsync(ctx, draft, error, ct);
                return;
            }

            log.Add(draft with { StatusCode = 200 });
            await StartStreamAsync(ctx, ct);
            await WriteEventAsync(ctx, "ERROR", error.Body, ct);
            return;
        }

        using var subscription = sub!;
        try
        {
            log.Add(draft with { StatusCode = 200 });
            await StartStreamAsync(ctx, ct);
            TimeSpan? timeout = int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : options.DefaultWatchTimeout;
            using var timeoutCts = timeout is { } t ? new CancellationTokenSource(t, options.TimeProvider) : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, subscription.Closed, timeoutCts.Token);
            await PumpAsync(ctx, type, subscription, labels, fields, bookmarks, linked.Token);
        }
        finally
        {
            store.Unsubscribe(subscription);
        }
    }

    private async Task PumpAsync(HttpContext ctx, ResourceType type, WatchSubscription sub, LabelSelector labels, FieldSelector fields, bool bookmarks, CancellationToken ct)
    {
        var sent = 0;
        var metadataOnly = PartialObjectMetadata.Wanted(ctx.Request.Headers.Accept.ToString());
        Task<bool>? waiting = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                while (sub.Events.TryRead(out var e))
                {
                    var (eventType, bookmark) = Translate(type, e, labels, fields);
                    if (eventType is null)
                    {
                        continue;
                    }

                    // Written to the response pipe and flushed once the queue is drained (one send for a burst of events), as
                    // the real WatchServer.HandleHTTP flushes only when no further event is pending (len(ch) == 0): full,
                    // metadata-only and bookmark events alike.
                    WriteEvent(ctx, eventType, (bookmark, metadataOnly) switch
                    {
                        ({ } b, false) => JsonBytes.Of(b),
                        ({ } b, true) => PartialObjectMetadata.JsonOf(b),
                        (null, true) => PartialObjectMetadata.JsonOf(type, e),
                        (null, false) => e.PresentedJson(type),
                    });

                    if (eventType != "BOOKMARK" && faults.CloseWatchesEveryEvents is { } every && every > 0 && ++sent % every == 0)
                    {
                        await ctx.Response.BodyWriter.FlushAsync(ct);
                        return;
                    }
                }

                await ctx.Response.BodyWriter.FlushAsync(ct);

                waiting ??= sub.Events.WaitToReadAsync(ct).AsTask();
                if (bookmarks)
                {
                    using var tickCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    var tick = Task.Delay(options.BookmarkInterval, options.TimeProvider, tickCts.Token);
                    var first = await Task.WhenAny(waiting, tick);
                    tickCts.Cancel();
                    if (first == tick && !waiting.IsCompleted && store.BookmarkVersion(sub) is { } rv)
                    {
                        var bookmark = Bookmark(type, rv, initialEventsEnd: false);
                        await WriteEventAsync(ctx, "BOOKMARK", metadataOnly ? PartialObjectMetadata.Of(bookmark) : bookmark, ct);
                        continue;
                    }
                }

                if (!await waiting)
                {
                    return;
                }

                waiting = null;
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away, the timeout passed, or a fault closed the stream: end the response cleanly.
        }
    }

    /// <summary>The watch event type of <paramref name="e"/> for this watch (null: not for it), and the bookmark to send for a marker.</summary>
    private static (string? Type, JsonObject? Bookmark) Translate(ResourceType type, StoredEvent e, LabelSelector labels, FieldSelector fields)
    {
        if (e.Type == StoredEvent.InitialEventsEnd)
        {
            return ("BOOKMARK", Bookmark(type, e.Rv, initialEventsEnd: true));
        }

        if (labels.MatchesEverything && fields.MatchesEverything)
        {
            // Every version matches: the event is sent as it is (without reading its objects).
            return (e.Type, null);
        }

        bool Matches(JsonObject o) => labels.Matches(o) && fields.Matches(o);
        var newMatch = Matches(e.Object);
        var type2 = e.Type switch
        {
            StoredEvent.Modified when e.OldObject is { } old => (Matches(old), newMatch) switch
            {
                (true, true) => "MODIFIED",
                (false, true) => "ADDED",
                (true, false) => "DELETED",
                _ => null,
            },
            _ => newMatch ? e.Type : null,
        };
        return (type2, null);
    }

    private static JsonObject Bookmark(ResourceType type, long rv, bool initialEventsEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture), ["creationTimestamp"] = null };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = meta };
    }

    private async Task LogAsync(HttpContext ctx, RecordedRequest draft, Route route, CancellationToken ct)
    {
        var pod = store.Get(route.Type!, route.Namespace, route.Name!);
        if (!pod.IsSuccess)
        {
            await WriteAsync(ctx, draft, pod, ct);
            return;
        }

        var containers = (pod.Body["spec"]?["containers"] as JsonArray ?? []).Select(c => (string?)c?["name"]).OfType<string>().ToList();
        var container = ctx.Request.Query["container"].ToString();
        if (container.Length == 0)
        {
            if (containers.Count > 1)
            {
                await WriteAsync(ctx, draft, ApiErrors.BadRequest(
                    $"a container name must be specified for pod {route.Name}, choose one of: [{string.Join(' ', containers)}]"), ct);
                return;
            }

            container = containers.FirstOrDefault() ?? "";
        }
        else if (containers.Count > 0 && !containers.Contains(container))
        {
            await WriteAsync(ctx, draft, ApiErrors.BadRequest($"container {container} is not valid for pod {route.Name}"), ct);
            return;
        }

        // ValidatePodLogOptions: limitBytes must be greater than 0 (422 Invalid, kind PodLogOptions).
        long? limitBytes = null;
        if (ctx.Request.Query["limitBytes"].ToString() is { Length: > 0 } limitText)
        {
            if (!long.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit) || limit < 1)
            {
                var invalid = ApiErrors.Status(422, "Invalid", $"PodLogOptions \"{route.Name}\" is invalid: limitBytes: Invalid value: {limitText}: must be greater than 0");
                await WriteAsync(ctx, draft, invalid, ct);
                return;
            }

            limitBytes = limit;
        }

        var text = podLogs.Get(route.Namespace ?? "", route.Name!, container);
        if (int.TryParse(ctx.Request.Query["tailLines"], NumberStyles.None, CultureInfo.InvariantCulture, out var tail))
        {
            text = PodLogs.Tail(text, tail);
        }

        // The kubelet's log writer applies limitBytes to what the tail selected: the first bytes, a last line maybe cut.
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        if (limitBytes is { } max && bytes.Length > max)
        {
            bytes = bytes[..(int)max];
        }

        log.Add(draft with { StatusCode = 200 });
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain";
        await ctx.Response.Body.WriteAsync(bytes, ct);
    }

    private ApiResult NonResource(Route route)
    {
        var segments = route.Segments;
        switch (segments)
        {
            case ["version"]:
                return new ApiResult(200, Discovery.Version(options.ServerVersion));
            case ["healthz"] or ["livez"] or ["readyz"]:
                return new ApiResult(200, new JsonObject { ["status"] = "ok" });
            case ["api"]:
                return new ApiResult(200, Discovery.CoreVersions(serverAddress()));
            case ["apis"]:
                return new ApiResult(200, Discovery.GroupList(registry));
            case ["api", var v]:
                return Discovery.ResourceList(registry, "", v) is { } core ? new ApiResult(200, core) : ApiErrors.NoSuchResource();
            case ["apis", var g]:
                return Discovery.GroupDocument(registry, g) is { } group ? new ApiResult(200, group) : ApiErrors.NoSuchResource();
            case ["apis", var g, var v]:
                return Discovery.ResourceList(registry, g, v) is { } list ? new ApiResult(200, list) : ApiErrors.NoSuchResource();
            case ["openapi", "v3"]:
                return new ApiResult(200, OpenApiV3.Root(registry, Crds()));
            case ["openapi", "v3", "api", var v]:
                return OpenApiV3.Document(registry, Crds(), "", v) is { } coreDoc ? new ApiResult(200, coreDoc) : ApiErrors.NoSuchResource();
            case ["openapi", "v3", "apis", var g, var v]:
                return OpenApiV3.Document(registry, Crds(), g, v) is { } groupDoc ? new ApiResult(200, groupDoc) : ApiErrors.NoSuchResource();
            default:
                return ApiErrors.NoSuchResource();
        }
    }

    private IReadOnlyList<JsonObject> Crds() => store.Snapshot("apiextensions.k8s.io", "customresourcedefinitions");

    private static bool WantsTable(string accept) =>
        accept.Contains("as=Table", StringComparison.Ordinal) && accept.Contains("g=meta.k8s.io", StringComparison.Ordinal);

    /// <summary>
    /// Writes an answer as the real server's <c>SerializeObject</c> does. With <paramref name="compressible"/> (objects, lists,
    /// tables and Status answers; not the OpenAPI and discovery documents, which other handlers serve) an answer of more than
    /// <see cref="GzipThreshold"/> bytes to a request whose Accept-Encoding names <c>gzip</c> goes gzip-compressed.
    /// </summary>
    private async Task WriteAsync(HttpContext ctx, RecordedRequest draft, ApiResult result, CancellationToken ct, bool compressible = true)
    {
        log.Add(draft with { StatusCode = result.Code });
        ctx.Response.StatusCode = result.Code;
        ctx.Response.ContentType = "application/json";
        ReadOnlyMemory<byte> json = result.Json();
        if (compressible && json.Length > GzipThreshold && AcceptsGzip(ctx.Request.Headers.AcceptEncoding))
        {
            ctx.Response.Headers.ContentEncoding = "gzip";
            ctx.Response.Headers.Append("Vary", "Accept-Encoding");
            json = Gzip(json);
        }

        if (json.Length <= UnchunkedAnswerLimit)
        {
            ctx.Response.ContentLength = json.Length;
        }

        await ctx.Response.Body.WriteAsync(json, ct);
    }

    /// <summary>
    /// APIResponseCompression (beta, on by default since 1.16): an answer larger than 128 KiB is gzipped, at level 1, for a
    /// client that accepts it (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/writers.go,
    /// <c>defaultGzipThresholdBytes</c>, <c>deferredResponseWriter.unbufferedWrite</c>). Watches are not compressed.
    /// </summary>
    internal const int GzipThreshold = 128 * 1024;

    /// <summary>
    /// Whether the (first) Accept-Encoding header holds the token <c>gzip</c>: comma-separated, spaces trimmed, compared
    /// exactly, so <c>gzip;q=1.0</c> is not it (<c>ContentEncodingSupported</c> in the same package).
    /// </summary>
    internal static bool AcceptsGzip(Microsoft.Extensions.Primitives.StringValues acceptEncoding)
    {
        if (acceptEncoding.Count == 0 || acceptEncoding[0] is not { Length: > 0 } header)
        {
            return false;
        }

        foreach (var token in header.Split(','))
        {
            if (token.Trim() == "gzip")
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlyMemory<byte> Gzip(ReadOnlyMemory<byte> json)
    {
        using var compressed = new MemoryStream(json.Length / 4);
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json.Span);
        }

        return compressed.GetBuffer().AsMemory(0, (int)compressed.Length);
    }

    /// <summary>
    /// The largest answer sent with a Content-Length; a larger one goes chunked. The real server writes an answer's bytes in
    /// one call through Go's net/http, which holds up to 2,048 bytes (bufferBeforeChunkingSize) before it commits to
    /// chunking: a body that fits is sent with its length once the handler returns, a larger one is chunked.
    /// </summary>
    internal const int UnchunkedAnswerLimit = 2048;

    private static async Task StartStreamAsync(HttpContext ctx, CancellationToken ct)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "no-cache, private";
        await ctx.Response.StartAsync(ct);
        await ctx.Response.Body.FlushAsync(ct);
    }

    /// <summary>
    /// Writes one watch event whose object is already serialized (the bytes <see cref="WriteEventAsync(HttpContext, string, JsonObject, CancellationToken)"/>
    /// would write) into the response pipe, without flushing it.
    /// </summary>
    private static void WriteEvent(HttpContext ctx, string type, byte[] objectJson)
    {
        var pipe = ctx.Response.BodyWriter;
        pipe.Write(EventPrefix(type));
        pipe.Write(objectJson);
        pipe.Write(EventEnd);
    }

    private static byte[] EventPrefix(string type) => type switch
    {
        StoredEvent.Added => AddedPrefix,
        StoredEvent.Modified => ModifiedPrefix,
        StoredEvent.Deleted => DeletedPrefix,
        _ => Encoding.UTF8.GetBytes("{\"type\":\"" + type + "\",\"object\":"),
    };

    private static async Task WriteEventAsync(HttpContext ctx, string type, JsonObject obj, CancellationToken ct)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj };
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line.ToJsonString()), ct);
        await ctx.Response.Body.WriteAsync(NewLine, ct);
        await ctx.Response.Body.FlushAsync(ct);
    }

    /// <summary>Server-side field validation of a create or update body: null to go on, or the 400 of a strict refusal.</summary>
    private ApiResult? ValidateFields(HttpContext ctx, ResourceType type, JsonObject body, List<string>? duplicates, bool patch)
    {
        var (mode, modeError) = StrictFields.Mode(ctx.Request.Query["fieldValidation"].ToString());
        if (modeError is not null || mode == FieldValidationMode.Ignore)
        {
            return modeError;
        }

        var problems = duplicates is null ? [] : new List<string>(duplicates);
        problems.AddRange(StrictFields.Unknown(body, type));
        if (problems.Count == 0)
        {
            return null;
        }

        if (mode == FieldValidationMode.Strict)
        {
            return StrictFields.Refusal(type, problems, patch);
        }

        foreach (var problem in problems)
        {
            ctx.Response.Headers.Append("Warning", "299 - \"" + problem.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");
        }

        return null;
    }

    /// <summary>Field validation of a patch: the fields it sets (merge, strategic merge, apply) or adds (JSON patch values).</summary>
    private ApiResult? ValidatePatchFields(HttpContext ctx, ResourceType type, PatchKind kind, JsonNode patch, List<string>? duplicates)
    {
        if (kind == PatchKind.Json)
        {
            return null; // JSON patch ops carry paths and values, not an object; upstream checks the patched result.
        }

        return patch is JsonObject partial ? ValidateFields(ctx, type, partial, duplicates, patch: true) : null;
    }

    private static async Task<string> ReadTextAsync(HttpContext ctx, CancellationToken ct)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>The request body's bytes (no decoding to a string: JSON is parsed from UTF-8).</summary>
    /// <remarks>
    /// Read from the request pipe until it completes, then copied once into an array of the body's size: a chunked body
    /// (no Content-Length, as client libraries send) no longer grows a stream from 256 bytes by doubling, zeroing each new array.
    /// </remarks>
    /// <summary>The whole request body, in an array rented for the request (the parsers copy what they keep out of it).</summary>
    private static async Task<RentedBytes> ReadBytesAsync(HttpContext ctx, CancellationToken ct)
    {
        var reader = ctx.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            var body = read.Buffer;
            if (read.IsCompleted || read.IsCanceled)
            {
                var length = checked((int)body.Length);
                var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
                body.CopyTo(bytes);
                reader.AdvanceTo(body.End);
                return new RentedBytes(bytes, length);
            }

            // Nothing consumed yet: ask for more, keeping everything read so far.
            reader.AdvanceTo(body.Start, body.End);
        }
    }

    /// <summary>
    /// The body as UTF-8 for the JSON reader: a leading byte order mark skipped and invalid sequences replaced by U+FFFD, as
    /// decoding to a string did (the reader would refuse them).
    /// </summary>
    private static ReadOnlySpan<byte> Utf8(RentedBytes buffer)
    {
        var span = buffer.Span;
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        return System.Text.Unicode.Utf8.IsValid(span) ? span : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(span));
    }

    private static string Text(RentedBytes buffer) => Encoding.UTF8.GetString(Utf8(buffer));

    /// <summary>A request body in an array rented from the shared pool; given back when disposed (no reference to it may outlive that).</summary>
    private readonly struct RentedBytes(byte[] array, int length) : IDisposable
    {
        public ReadOnlySpan<byte> Span => array.AsSpan(0, length);

        public void Dispose() => System.Buffers.ArrayPool<byte>.Shared.Return(array);
    }

    /// <summary>The generic API server's limit on a write's body (3 MiB, twice etcd's limit to leave room for JSON).</summary>
    internal const int MaxRequestBodyBytes = 3 * 1024 * 1024;

    private static async Task<(JsonObject? Body, ApiResult? Error, List<string>? Duplicates)> ReadObjectAsync(HttpContext ctx, CancellationToken ct)
    {
        var media = (ctx.Request.ContentType ?? "application/json").Split(';')[0].Trim();
        if (media == KubeProtobuf.MediaType)
        {
            var (decoded, failure) = await ReadProtobufAsync(ctx, ct);
            return (decoded, failure, null);
        }

        if (media is not ("application/json" or "application/yaml" or "application/x-yaml" or "*/*" or ""))
        {
            return (null, ApiErrors.Status(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, {KubeProtobuf.MediaType} (got {media})"), null);
        }

        using var bytes = await ReadBytesAsync(ctx, ct);
        var body = Utf8(bytes);
        if (body.Length > MaxRequestBodyBytes)
        {
            return (null, ApiErrors.Status(413, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxRequestBodyBytes}"), null);
        }

        var yaml = media is "application/yaml" or "application/x-yaml";
        var duplicates = yaml ? null : new List<string>();
        try
        {
            // JSON is parsed once from its bytes; the same pass collects the duplicate keys field validation reports.
            var node = yaml ? YamlJson.Parse(Text(bytes)) : LastWinsJson.Parse(body, duplicates);
            return node is JsonObject o ? (o, null, duplicates) : (null, ApiErrors.BadRequest("the body of the request must be a JSON object"), null);
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
        {
            return (null, ApiErrors.BadRequest("the object provided is unrecognized: " + e.Message), null);
        }
    }

    private static async Task<(JsonObject? Body, ApiResult? Error)> ReadProtobufAsync(HttpContext ctx, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ct);
        try
        {
            return (KubeProtobuf.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), null);
        }
        catch (NotSupportedException)
        {
            return (null, ApiErrors.Status(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got {KubeProtobuf.MediaType})"));
        }
        catch (FormatException e)
        {
            return (null, ApiErrors.BadRequest("the object provided is unrecognized: " + e.Message));
        }
    }

    private static async Task<(DeleteOptions? Options, ApiResult? Result)> ReadDeleteOptionsAsync(HttpContext ctx, CancellationToken ct)
    {
        var query = ctx.Request.Query;
        JsonObject body = [];
        var text = await ReadTextAsync(ctx, ct);
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                body = JsonNode.Parse(text) as JsonObject ?? [];
            }
            catch (JsonException e)
            {
                return (null, ApiErrors.BadRequest("invalid DeleteOptions: " + e.Message));
            }
        }

        var policy = (string?)body["propagationPolicy"] ?? NullIfEmpty(query["propagationPolicy"].ToString());
        bool? orphan = body["orphanDependents"] is JsonValue ov ? ov.GetValue<bool>()
            : bool.TryParse(query["orphanDependents"], out var qo) ? qo : null;
        var dryRun = query["dryRun"].ToString() == "All" || (body["dryRun"] as JsonArray)?.Any(d => (string?)d == "All") == true;
        if (policy is not null and not ("Orphan" or "Background" or "Foreground"))
        {
            return (null, ApiErrors.Status(422, "Invalid", $"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""));
        }

        return (new DeleteOptions(
            policy,
            (string?)body["preconditions"]?["uid"],
            (string?)body["preconditions"]?["resourceVersion"],
            orphan,
            dryRun), null);
    }

    /// <summary>batch/v1 Job DELETEs that leave the policy to the default (orphan) are warned, as the Job REST does.</summary>
    private static void WarnOfDefaultPropagation(HttpContext ctx, ResourceType type, DeleteOptions? options)
    {
        if (options is not null && GarbageCollectionPolicy.WarnsOfDefault(type, options))
        {
            ctx.Response.Headers.Append("Warning", "299 - \"" + GarbageCollectionPolicy.JobDefaultWarning + "\"");
        }
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}

using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// Typed REST access to one resource: get, list, create, replace, patch, delete, the <c>/status</c> subresource,
/// other text subresources (pod logs) and watch. Expected outcomes (missing object, stale resourceVersion) are values;
/// other failures are <see cref="KubeApiException"/>.
/// </summary>
public sealed class ResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private readonly KubeConnection connection;

    public ResourceClient(KubeConnection connection, ResourceType<T> type)
    {
        this.connection = connection;
        Type = type;
    }

    public ResourceType<T> Type { get; }

    /// <summary>Reads one object; null when it does not exist.</summary>
    public async Task<T?> GetAsync(string? @namespace, string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, Type.ItemPath(@namespace, name), null, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadItemAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists objects in a namespace (or across namespaces when null), following continue tokens.</summary>
    public async Task<ResourceList<T>> ListAsync(string? @namespace, ListOptions? options, CancellationToken cancellationToken)
    {
        options ??= new ListOptions();
        var items = new List<T>();
        string? continueToken = null;
        string? resourceVersion;
        do
        {
            var query = new QueryBuilder()
                .Add("labelSelector", options.LabelSelector)
                .Add("fieldSelector", options.FieldSelector)
                .Add("resourceVersion", continueToken is null ? options.ResourceVersion : null)
                .Add("limit", options.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Add("continue", continueToken);
            using var response = await SendAsync(HttpMethod.Get, Type.CollectionPath(@namespace) + query, null, null, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            ResourceList<T> page;
            try
            {
                page = Type.ReadList(stream);
            }
            catch (Exception exception) when (IsMalformed(exception))
            {
                throw InvalidAnswer(response, stream, Type.Kind + "List", exception);
            }

            items.AddRange(page.Items);
            resourceVersion = page.ResourceVersion;
            continueToken = string.IsNullOrEmpty(page.Continue) ? null : page.Continue;
        }
        while (continueToken is not null);

        return new ResourceList<T>(items, resourceVersion, null);
    }

    /// <summary>Creates an object; <see cref="WriteOutcome.AlreadyExists"/> when the name is taken.</summary>
    public Task<WriteResult<T>> CreateAsync(T value, CancellationToken cancellationToken) =>
        CreateAsync(value, null, cancellationToken);

    /// <summary>
    /// Creates an object as above; the server's copy in the answer is read with <paramref name="answerInfo"/> when given
    /// (<see cref="SkippingJson"/>: a caller that keeps only part of the object does not build the rest, issue 17). Such
    /// an answer lacks what was skipped: never write it back.
    /// </summary>
    public async Task<WriteResult<T>> CreateAsync(T value, JsonTypeInfo<T>? answerInfo, CancellationToken cancellationToken)
    {
        using var content = Serialize(value);
        using var response = await SendAsync(HttpMethod.Post, Type.CollectionPath(RequireNamespace(value)), content, null, cancellationToken).ConfigureAwait(false);
        return await ReadWriteResultAsync(response, null, cancellationToken, answerInfo).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates an object and reads only the outcome: the server's copy in the answer is not decoded (issue 17: a caller
    /// that only needs to know the object exists spends no deserialization on it; an Event, a child the informer will
    /// show anyway).
    /// </summary>
    public async Task<WriteOutcome> CreateOutcomeAsync(T value, CancellationToken cancellationToken)
    {
        using var content = Serialize(value);
        // Not even buffered: the answer of a success is left unread, and drained by the handler when it is disposed.
        using var response = await SendAsync(HttpMethod.Post, Type.CollectionPath(RequireNamespace(value)), content, null, cancellationToken, headersOnly: true).ConfigureAwait(false);
        return await ReadWriteOutcomeAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces an object; the body's resourceVersion is the precondition (<see cref="WriteOutcome.Conflict"/> when stale).</summary>
    public Task<WriteResult<T>> ReplaceAsync(T value, CancellationToken cancellationToken) =>
        PutAsync(value, null, null, cancellationToken);

    /// <summary>Replaces the <c>/status</c> subresource; the body's resourceVersion is the precondition.</summary>
    public Task<WriteResult<T>> ReplaceStatusAsync(T value, CancellationToken cancellationToken) =>
        PutAsync(value, "status", null, cancellationToken);

    /// <summary>
    /// Replaces the <c>/status</c> subresource as above; when <paramref name="known"/> returns an object for the answer's
    /// key and resourceVersion (read from its metadata without decoding the rest), that object is the answer: one
    /// resourceVersion is one stored state, so an answer whose watch event the cache has already decoded is not decoded
    /// a second time (issue 17).
    /// </summary>
    public Task<WriteResult<T>> ReplaceStatusAsync(T value, Func<ObjectKey, string, T?>? known, CancellationToken cancellationToken) =>
        PutAsync(value, "status", known, cancellationToken);

    /// <summary>
    /// Replaces the <c>/status</c> subresource with a status already serialized: the body is <paramref name="value"/>, which
    /// carries no status (it is serialized without one), with <paramref name="statusJson"/> as its <c>status</c>, so a
    /// caller that measured or compared the status's JSON does not serialize it again (issue 17). Of a success's answer it
    /// reads only its identity (issue 17, eighth round): the object <paramref name="known"/> holds at the answer's key and
    /// resourceVersion; else no object, and the answer's resourceVersion, for a caller that builds the stored object from
    /// the one it read and the status it sent (the API server stores the old object with the sent status,
    /// <c>statusStrategy.PrepareForUpdate</c>); the answer decoded only when it names no resourceVersion or another object.
    /// </summary>
    public async Task<(WriteResult<T> Result, string? ResourceVersion)> ReplaceStatusForVersionAsync(T value, ReadOnlyMemory<byte> statusJson, Func<ObjectKey, string, T?>? known, CancellationToken cancellationToken)
    {
        var path = Type.ItemPath(RequireNamespace(value), value.Metadata.Name) + "/status";
        using var content = SerializeWithStatus(value, statusJson.Span);
        using var response = await SendAsync(HttpMethod.Put, path, content, null, cancellationToken).ConfigureAwait(false);
        var outcome = await ReadWriteOutcomeAsync(response, cancellationToken).ConfigureAwait(false);
        if (outcome != WriteOutcome.Ok)
        {
            return (new WriteResult<T>(outcome, null), null);
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (WatchEventReader.PeekIdentity(body) is ({ } name, var @namespace, { } resourceVersion)
            && name == value.Metadata.Name && @namespace == value.Metadata.NamespaceProperty)
        {
            return (new WriteResult<T>(WriteOutcome.Ok, known?.Invoke(new ObjectKey(@namespace, name), resourceVersion)), resourceVersion);
        }

        try
        {
            var decoded = JsonSerializer.Deserialize(body, Type.ItemInfo) ?? throw new JsonException("The answer is JSON null.");
            return (new WriteResult<T>(WriteOutcome.Ok, decoded), decoded.Metadata?.ResourceVersion);
        }
        catch (Exception exception) when (IsMalformed(exception))
        {
            using var stream = new MemoryStream(body, writable: false);
            throw InvalidAnswer(response, stream, Type.Kind, exception);
        }
    }

    /// <summary>Patches an object.</summary>
    public Task<WriteResult<T>> PatchAsync(string? @namespace, string name, PatchType patchType, string body, CancellationToken cancellationToken) =>
        PatchCoreAsync(Type.ItemPath(@namespace, name), patchType, body, cancellationToken);

    /// <summary>Deletes an object; false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(string? @namespace, string name, PropagationPolicy propagation, CancellationToken cancellationToken)
    {
        var query = new QueryBuilder().Add("propagationPolicy", propagation == PropagationPolicy.Default ? null : propagation.ToString());
        using var response = await SendAsync(HttpMethod.Delete, Type.ItemPath(@namespace, name) + query, null, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Reads a text subresource such as a pod's <c>log</c>; null when the object does not exist.</summary>
    public async Task<string?> GetSubresourceTextAsync(string? @namespace, string name, string subresource, IReadOnlyList<KeyValuePair<string, string?>> query, CancellationToken cancellationToken)
    {
        var builder = new QueryBuilder();
        foreach (var (key, value) in query)
        {
            builder.Add(key, value);
        }

        using var response = await SendAsync(HttpMethod.Get, Type.ItemPath(@namespace, name) + "/" + subresource + builder, null, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Watches from a resourceVersion until the server ends the stream. Throws <see cref="KubeApiException"/> when the
    /// watch cannot start (410 when the resourceVersion is too old); in-stream ERROR events are yielded.
    /// </summary>
    public IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? @namespace, WatchOptions options, CancellationToken cancellationToken) =>
        WatchAsync(@namespace, options, null, null, cancellationToken);

    /// <summary>
    /// Watches as above; an added or modified object that <paramref name="known"/> returns for its key and
    /// resourceVersion is not deserialized again (<see cref="WatchEventReader.Parse{T}(ReadOnlySpan{byte}, System.Text.Json.Serialization.Metadata.JsonTypeInfo{T}, Func{ObjectKey, string, T?}?)"/>),
    /// and the others are read with <paramref name="itemInfo"/> when given (<see cref="SkippingJson"/>: what the caller
    /// never reads is skipped, not built), else with the type's full metadata.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? @namespace, WatchOptions options, Func<ObjectKey, string, T?>? known, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>? itemInfo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new QueryBuilder()
            .Add("watch", "true")
            .Add("allowWatchBookmarks", "true")
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector)
            .Add("resourceVersion", options.ResourceVersion)
            .Add("timeoutSeconds", options.TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.BaseUri, Type.CollectionPath(@namespace) + query));
        request.Headers.Accept.Add(Json);
        using var response = await connection.SendAsync(request, streaming: true, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var events = WatchEventReader.ReadAsync(stream, itemInfo ?? Type.ItemInfo, known, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            WatchEvent<T> watchEvent;
            try
            {
                if (!await events.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                watchEvent = events.Current;
            }
            catch (Exception exception) when (IsMalformed(exception))
            {
                throw InvalidAnswer(response, null, "watch event of " + Type.Kind, exception);
            }

            yield return watchEvent;
        }
    }

    private async Task<WriteResult<T>> PutAsync(T value, string? subresource, Func<ObjectKey, string, T?>? known, CancellationToken cancellationToken)
    {
        var path = Type.ItemPath(RequireNamespace(value), value.Metadata.Name) + (subresource is null ? "" : "/" + subresource);
        using var content = Serialize(value);
        using var response = await SendAsync(HttpMethod.Put, path, content, null, cancellationToken).ConfigureAwait(false);
        return await ReadWriteResultAsync(response, known, cancellationToken).ConfigureAwait(false);
    }

    private async Task<WriteResult<T>> PatchCoreAsync(string path, PatchType patchType, string body, CancellationToken cancellationToken)
    {
        var mediaType = patchType switch
        {
            PatchType.Merge => "application/merge-patch+json",
            PatchType.Json => "application/json-patch+json",
            PatchType.StrategicMerge => "application/strategic-merge-patch+json",
            _ => throw new ArgumentOutOfRangeException(nameof(patchType)),
        };
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await SendAsync(HttpMethod.Patch, path, content, null, cancellationToken).ConfigureAwait(false);
        return await ReadWriteResultAsync(response, null, cancellationToken).ConfigureAwait(false);
    }

    private string? RequireNamespace(T value)
    {
        if (string.IsNullOrEmpty(value.Metadata?.Name) && value.Metadata?.GenerateName is null)
        {
            throw new ArgumentException(Type.Kind + " has no metadata.name.", nameof(value));
        }

        return Type.Namespaced ? value.Metadata!.NamespaceProperty ?? throw new ArgumentException(Type.Kind + " " + value.Metadata.Name + " has no namespace.", nameof(value)) : null;
    }

    private ByteArrayContent Serialize(T value)
    {
        value.ApiVersion ??= Type.ApiVersion;
        value.Kind ??= Type.Kind;
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, Type.ItemInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>
    /// <paramref name="value"/> serialized (it must serialize without a <c>status</c>) with <paramref name="statusJson"/>
    /// as its last property: the object's closing brace is replaced by <c>,"status":</c>, the status and a new brace.
    /// </summary>
    internal ByteArrayContent SerializeWithStatus(T value, ReadOnlySpan<byte> statusJson)
    {
        value.ApiVersion ??= Type.ApiVersion;
        value.Kind ??= Type.Kind;
        var head = JsonSerializer.SerializeToUtf8Bytes(value, Type.ItemInfo);
        if (head.Length < 3 || head[0] != (byte)'{' || head[^1] != (byte)'}')
        {
            throw new ArgumentException(Type.Kind + " " + value.Metadata.Name + " does not serialize as a JSON object.", nameof(value));
        }

        // apiVersion and kind are set above: the object has a property before the status, so a comma goes first.
        ReadOnlySpan<byte> property = ",\"status\":"u8;
        var body = new byte[head.Length - 1 + property.Length + statusJson.Length + 1];
        head.AsSpan(0, head.Length - 1).CopyTo(body);
        property.CopyTo(body.AsSpan(head.Length - 1));
        statusJson.CopyTo(body.AsSpan(head.Length - 1 + property.Length));
        body[^1] = (byte)'}';
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Sends a request whose answer is buffered, or, with <paramref name="headersOnly"/>, returned at its headers (<see cref="KubeConnection.SendForHeadersAsync"/>).</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, string? accept, CancellationToken cancellationToken, bool headersOnly = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(connection.BaseUri, path)) { Content = content };
        request.Headers.Accept.Add(accept is null ? Json : new MediaTypeWithQualityHeaderValue(accept));
        var response = headersOnly
            ? await connection.SendForHeadersAsync(request, cancellationToken).ConfigureAwait(false)
            : await connection.SendAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        request.Content = null; // the caller owns and disposes the content
        return response;
    }

    private async Task<T> ReadItemAsync(HttpResponseMessage response, CancellationToken cancellationToken, JsonTypeInfo<T>? itemInfo = null)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Synchronous on purpose: the body is already buffered (SendAsync reads the whole content), and the one
            // asynchronous JSON read in the program made NativeAOT instantiate the async stream reader
            // (its state machine, Task<T>, ValueTask<T>, awaiters) for every type of every JSON context: about 0.5 MB.
            return JsonSerializer.Deserialize(stream, itemInfo ?? Type.ItemInfo)
                ?? throw new JsonException("The answer is JSON null.");
        }
        catch (Exception exception) when (IsMalformed(exception))
        {
            throw InvalidAnswer(response, stream, Type.Kind, exception);
        }
    }

    /// <summary>A body that does not parse as what was asked for: bad or truncated JSON, or a value a converter refuses.</summary>
    private static bool IsMalformed(Exception exception) =>
        exception is JsonException or FormatException or OverflowException;

    /// <summary>
    /// The named error for a successful status whose body is not a Kubernetes object (an HTML page from a proxy or a web
    /// server at the API server's address, truncated or garbled JSON): what was asked, what came back, and how the body
    /// starts, so a person can tell a wrong address from a broken answer. Retried like any API error, never fatal.
    /// </summary>
    private static KubeApiException InvalidAnswer(HttpResponseMessage response, Stream? body, string expected, Exception cause)
    {
        var request = response.RequestMessage;
        var what = (request?.Method.Method ?? "a request") + " " + (request?.RequestUri?.AbsolutePath ?? "");
        var contentType = response.Content.Headers.ContentType?.ToString() ?? "no content type";
        var head = Head(body);
        var message = what + " answered " + (int)response.StatusCode + " (" + contentType + ") with something that is not a " + expected
            + (head.Length == 0 ? "" : ", starting '" + head + "'")
            + " (" + cause.Message + "); is the address a Kubernetes API server?";
        return new KubeApiException((int)response.StatusCode, KubeApiException.InvalidResponse, message, cause);
    }

    /// <summary>The first characters of a buffered body, on one line; empty when the body cannot be read again.</summary>
    private static string Head(Stream? body)
    {
        const int Max = 120;
        if (body is not { CanSeek: true })
        {
            return "";
        }

        body.Position = 0;
        var buffer = new byte[Max];
        var read = body.ReadAtLeast(buffer, Max, throwOnEndOfStream: false);
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim() + (read == Max ? "..." : "");
    }

    private async Task<WriteResult<T>> ReadWriteResultAsync(HttpResponseMessage response, Func<ObjectKey, string, T?>? known, CancellationToken cancellationToken, JsonTypeInfo<T>? itemInfo = null)
    {
        var outcome = await ReadWriteOutcomeAsync(response, cancellationToken).ConfigureAwait(false);
        if (outcome != WriteOutcome.Ok)
        {
            return new WriteResult<T>(outcome, null);
        }

        return new WriteResult<T>(WriteOutcome.Ok, known is null
            ? await ReadItemAsync(response, cancellationToken, itemInfo).ConfigureAwait(false)
            : await ReadKnownItemAsync(response, known, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The object <paramref name="known"/> holds at the answer's key and resourceVersion, else the answer decoded.</summary>
    private async Task<T> ReadKnownItemAsync(HttpResponseMessage response, Func<ObjectKey, string, T?> known, CancellationToken cancellationToken)
    {
        // The body is buffered already (not a streaming request): its bytes are read once, peeked, then decoded if need be.
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (WatchEventReader.PeekIdentity(body) is ({ } name, var @namespace, { } resourceVersion) && known(new ObjectKey(@namespace, name), resourceVersion) is { } held)
        {
            return held;
        }

        try
        {
            return JsonSerializer.Deserialize(body, Type.ItemInfo) ?? throw new JsonException("The answer is JSON null.");
        }
        catch (Exception exception) when (IsMalformed(exception))
        {
            using var stream = new MemoryStream(body, writable: false);
            throw InvalidAnswer(response, stream, Type.Kind, exception);
        }
    }

    /// <summary>The outcome of a write from its status code; other failures throw. The body of a success is not read.</summary>
    private static async Task<WriteOutcome> ReadWriteOutcomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            return error.Reason == "AlreadyExists" ? WriteOutcome.AlreadyExists : WriteOutcome.Conflict;
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return WriteOutcome.NotFound;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return WriteOutcome.Ok;
    }

    internal static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<KubeApiException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return StatusErrors.FromBody((int)response.StatusCode, response.ReasonPhrase, body);
    }
}

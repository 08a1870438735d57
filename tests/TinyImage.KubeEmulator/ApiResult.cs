using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>The outcome of an API operation: an HTTP status code and a JSON body (an object or a Status).</summary>
public sealed record ApiResult
{
    private readonly ResourceType? _type;
    private readonly StoredEvent? _committed;
    private readonly JsonObject? _stored;
    private readonly Func<JsonObject>? _makeBody;
    private readonly Action<System.Text.Json.Utf8JsonWriter>? _write;
    private JsonObject? _body;

    /// <summary>A result with its body.</summary>
    /// <param name="code">HTTP status code.</param>
    /// <param name="body">The response body.</param>
    public ApiResult(int code, JsonObject body)
    {
        Code = code;
        _body = body;
    }

    /// <summary>
    /// The answer to a write: the committed object as <paramref name="type"/> serves it. The body is made only when someone
    /// reads it (the emulator's own controllers mostly do not), and its JSON is the commit's, serialized once for the
    /// response and every watch (<see cref="StoredEvent.PresentedJson"/>).
    /// </summary>
    internal ApiResult(int code, ResourceType type, StoredEvent committed)
    {
        Code = code;
        _type = type;
        _committed = committed;
    }

    /// <summary>
    /// The answer to a read: the stored object <paramref name="stored"/> (committed, never mutated) as <paramref name="type"/>
    /// serves it. The body is a copy made only when someone reads it; the HTTP answer serializes the stored object itself when
    /// that is what the API serves (<see cref="ObjectStore.PresentsAsStored"/>), without copying it.
    /// </summary>
    internal ApiResult(int code, ResourceType type, JsonObject stored)
    {
        Code = code;
        _type = type;
        _stored = stored;
    }

    /// <summary>
    /// A result whose body is made by <paramref name="makeBody"/> only when someone reads it, and whose HTTP answer
    /// <paramref name="write"/> writes directly (the same JSON as the body's, without building it: a list of stored objects).
    /// </summary>
    internal ApiResult(int code, Func<JsonObject> makeBody, Action<System.Text.Json.Utf8JsonWriter> write)
    {
        Code = code;
        _makeBody = makeBody;
        _write = write;
    }

    /// <summary>HTTP status code.</summary>
    public int Code { get; init; }

    /// <summary>The response body.</summary>
    public JsonObject Body
    {
        get => _body ??= _makeBody is { } make ? make() : ObjectStore.Present(_type!, _stored ?? _committed!.Object);
        init
        {
            _body = value;
            _committed = null;
            _stored = null;
            _makeBody = null;
            _write = null;
        }
    }

    /// <summary>True for 2xx.</summary>
    /// <summary>
    /// The body for a caller inside the emulator that only reads it: the committed object itself when it is served as
    /// stored (committed objects are never mutated: never change what this returns), else <see cref="Body"/>.
    /// </summary>
    internal JsonObject ReadOnlyBody =>
        _body is null && _makeBody is null && (_stored ?? _committed?.Object) is { } stored && ObjectStore.PresentsAsStored(_type!, stored)
            ? stored
            : Body;

    public bool IsSuccess => Code is >= 200 and < 300;

    /// <summary>The Status reason of a failure (NotFound, Conflict, ...), or null.</summary>
    public string? Reason => IsSuccess ? null : (string?)Body["reason"];

    /// <summary>The body's JSON (UTF-8): shared with the commit's watch events when this answers a write.</summary>
    internal byte[] Json() => _committed is { } e ? e.PresentedJson(_type!)
        : _body is null && _stored is { } stored && ObjectStore.PresentsAsStored(_type!, stored) ? JsonBytes.Of(stored)
        : _body is null && _write is { } write ? JsonBytes.Of(write)
        : JsonBytes.Of(Body);
}

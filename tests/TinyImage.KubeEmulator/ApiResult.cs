using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>The outcome of an API operation: an HTTP status code and a JSON body (an object or a Status).</summary>
public sealed record ApiResult
{
    private readonly ResourceType? _type;
    private readonly StoredEvent? _committed;
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

    /// <summary>HTTP status code.</summary>
    public int Code { get; init; }

    /// <summary>The response body.</summary>
    public JsonObject Body
    {
        get => _body ??= ObjectStore.Present(_type!, _committed!.Object);
        init
        {
            _body = value;
            _committed = null;
        }
    }

    /// <summary>True for 2xx.</summary>
    public bool IsSuccess => Code is >= 200 and < 300;

    /// <summary>The Status reason of a failure (NotFound, Conflict, ...), or null.</summary>
    public string? Reason => IsSuccess ? null : (string?)Body["reason"];

    /// <summary>The body's JSON (UTF-8): shared with the commit's watch events when this answers a write.</summary>
    internal byte[] Json() => _committed is { } e ? e.PresentedJson(_type!) : JsonBytes.Of(Body);
}

using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>The outcome of an API operation: an HTTP status code and a JSON body (an object or a Status).</summary>
/// <param name="Code">HTTP status code.</param>
/// <param name="Body">The response body.</param>
public sealed record ApiResult(int Code, JsonObject Body)
{
    /// <summary>True for 2xx.</summary>
    public bool IsSuccess => Code is >= 200 and < 300;

    /// <summary>The Status reason of a failure (NotFound, Conflict, ...), or null.</summary>
    public string? Reason => IsSuccess ? null : (string?)Body["reason"];
}

using System.Net;

namespace TinyImage.Kube;

/// <summary>
/// An unexpected answer of the Kubernetes API server, parsed from its <c>Status</c> body when there is one.
/// Expected outcomes (404 on get, 409 on replace or create) are results, not this exception.
/// </summary>
public sealed class KubeApiException : Exception
{
    /// <summary>The reason of an answer that is not what a Kubernetes API server sends (HTML, truncated or garbled JSON).</summary>
    public const string InvalidResponse = "InvalidResponse";

    /// <summary>The reason when the credentials for a request could not be loaded (a token file, an exec plugin).</summary>
    public const string CredentialsUnavailable = "CredentialsUnavailable";

    public KubeApiException(int code, string reason, string message)
        : base(code.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + reason + ": " + message)
    {
        Code = code;
        Reason = reason;
        ApiMessage = message;
    }

    public KubeApiException(int code, string reason, string message, Exception innerException)
        : base(code.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + reason + ": " + message, innerException)
    {
        Code = code;
        Reason = reason;
        ApiMessage = message;
    }

    public KubeApiException()
        : this(0, "Unknown", "unknown error")
    {
    }

    public KubeApiException(string message)
        : this(0, "Unknown", message)
    {
    }

    public KubeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = "Unknown";
        ApiMessage = message;
    }

    /// <summary>The HTTP status code (or the code of an in-stream watch ERROR event).</summary>
    public int Code { get; }

    /// <summary>The Status reason, e.g. <c>NotFound</c>, <c>Conflict</c>, <c>Expired</c>, <c>InternalError</c>.</summary>
    public string Reason { get; }

    /// <summary>The Status message for a person.</summary>
    public string ApiMessage { get; }

    public bool IsNotFound => Code == (int)HttpStatusCode.NotFound;

    public bool IsConflict => Code == (int)HttpStatusCode.Conflict;

    /// <summary>410 Gone: the requested resourceVersion is too old; relist.</summary>
    public bool IsGone => Code == (int)HttpStatusCode.Gone;
}

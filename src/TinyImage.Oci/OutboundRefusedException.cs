namespace TinyImage.Oci;

/// <summary>
/// Thrown by <see cref="OutboundPolicy.ConnectAsync"/> when every address of a host is on the deny-list; the handler wraps
/// it in an <see cref="HttpRequestException"/>, and the registry client turns it into
/// <see cref="RegistryErrorKind.DestinationRefused"/> without retrying.
/// </summary>
public sealed class OutboundRefusedException : Exception
{
    public OutboundRefusedException(string host, string reason)
        : base($"{host}: {reason}")
    {
        Host = host;
        Reason = reason;
    }

    public OutboundRefusedException()
        : this("(unknown)", "refused")
    {
    }

    public OutboundRefusedException(string message)
        : this("(unknown)", message)
    {
    }

    public OutboundRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Host = "(unknown)";
        Reason = message;
    }

    /// <summary>The host as the request named it.</summary>
    public string Host { get; } = "(unknown)";

    /// <summary>Why, e.g. "127.0.0.1 is loopback (127.0.0.0/8)".</summary>
    public string Reason { get; } = "refused";
}

using Microsoft.Extensions.Logging;

namespace TinyImage.Oci;

/// <summary>Log messages of the registry client (source-generated, constant templates).</summary>
public static partial class RegistryLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Registry {Host} answered {Status}; retry {Attempt} of {MaxRetries} in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string host, int status, int attempt, int maxRetries, long delayMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Request to {Host} failed ({Error}); retry {Attempt} of {MaxRetries} in {DelayMs} ms")]
    public static partial void RetryingAfterError(ILogger logger, string host, string error, int attempt, int maxRetries, long delayMs);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "TLS handshake with insecure registry {Host} failed; falling back to plain HTTP")]
    public static partial void FallingBackToHttp(ILogger logger, string host);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Fetching a bearer token from {Realm} for scope {Scope}")]
    public static partial void FetchingToken(ILogger logger, string realm, string scope);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "Following a redirect from {From} to {To} (authorization kept: {Kept})")]
    public static partial void Redirect(ILogger logger, string from, string to, bool kept);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Not sending the credentials for {Host} to the token realm on another host {RealmHost} (not on the registry allow-list); asking for a token anonymously")]
    public static partial void CredentialsWithheldFromRealm(ILogger logger, string host, string realmHost);
}

namespace TinyImage.Oci;

/// <summary>How a <see cref="RegistryClient"/> reaches registries, and the limits it enforces.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>1 MiB.</summary>
    public const long MiB = 1024 * 1024;

    /// <summary>Credentials per registry; anonymous where none is known.</summary>
    public RegistryCredentials Credentials { get; init; } = RegistryCredentials.Anonymous;

    /// <summary>
    /// Allow an untrusted registry: HTTPS is tried first without certificate verification, and plain HTTP is used
    /// when the TLS handshake fails (Docker's <c>insecure-registries</c> behaviour).
    /// </summary>
    public bool Insecure { get; init; }

    /// <summary>
    /// Which addresses the client may reach (registry, redirect targets, token realms) and which hosts may receive credentials
    /// as a token realm on another host. The transport enforces it at connect time when built by
    /// <see cref="RegistryHttpHandlers.Create"/> with the same policy; the client checks every hop before it leaves.
    /// </summary>
    public OutboundPolicy Outbound { get; init; } = OutboundPolicy.Default;

    /// <summary>The platform picked from an image index or manifest list.</summary>
    public OciPlatform Platform { get; init; } = new("amd64", "linux");

    /// <summary>Upper bound for a manifest or index document (the distribution spec's 4 MiB).</summary>
    public long MaxManifestBytes { get; init; } = 4 * MiB;

    /// <summary>Upper bound for the image config blob.</summary>
    public long MaxConfigBytes { get; init; } = 4 * MiB;

    /// <summary>Upper bound for one layer blob (compressed).</summary>
    public long MaxLayerBytes { get; init; } = 1024 * MiB;

    /// <summary>
    /// Timeout for one request until its response headers arrive, and again for reading a manifest, token or error body
    /// whole (a registry that trickles a body is cut off). Every timeout runs on the injected TimeProvider, as do backoff and
    /// token expiry.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout for a whole blob transfer (headers and body).</summary>
    public TimeSpan BlobTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries after a 429, a 5xx, a network error or a timeout (so at most MaxRetries + 1 attempts).</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The first backoff; doubled on each retry.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound for one wait, including a registry's <c>Retry-After</c>.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Redirects followed per request (blob storage, mirrors).</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>The User-Agent header.</summary>
    public string UserAgent { get; init; } = "tinyimage-operator/0.1";
}

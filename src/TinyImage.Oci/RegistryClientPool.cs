using Microsoft.Extensions.Logging;

namespace TinyImage.Oci;

/// <summary>
/// One <see cref="RegistryClient"/> per (registry host, insecure, credential identity), shared across pulls, so what a client
/// learns about a registry is learnt once: the scheme (an insecure registry found to speak plain HTTP is not tried over HTTPS
/// again), the auth challenge, the tokens per scope. All clients run on the two transports given (one connection pool per
/// registry host each), never disposed here. The credential identity is the caller's (a hash of the pull secret): two
/// tenants share a client, and its tokens, only when they present the same credentials. Bounded: a client unused for
/// <see cref="IdleTimeout"/> is dropped, and above <see cref="MaxClients"/> the least recently used one is; a dropped client
/// is not disposed (it owns no connection: a pull still using it finishes), only forgotten.
/// </summary>
public sealed class RegistryClientPool
{
    /// <summary>Clients kept at most.</summary>
    public const int MaxClients = 64;

    /// <summary>How long an unused client is kept.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    private readonly HttpMessageHandler verified;
    private readonly HttpMessageHandler insecure;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly Dictionary<(string Host, bool Insecure, string Identity), Entry> clients = [];

    /// <param name="verified">The transport for registries reached with verified TLS.</param>
    /// <param name="insecure">The transport for registries allowed insecure (no certificate check, plain HTTP fallback).</param>
    /// <param name="time">The clock for idle eviction (and the clients' tokens and backoff).</param>
    /// <param name="logger">The clients' logger.</param>
    public RegistryClientPool(HttpMessageHandler verified, HttpMessageHandler insecure, TimeProvider time, ILogger logger)
    {
        this.verified = verified;
        this.insecure = insecure;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>Clients held now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return clients.Count;
            }
        }
    }

    /// <summary>
    /// The client for <paramref name="registry"/> under <paramref name="identity"/>, created with <paramref name="options"/>
    /// (whose <c>Credentials</c> must be the ones <paramref name="identity"/> names, and whose <c>Insecure</c> picks the transport)
    /// when there is none yet.
    /// </summary>
    public RegistryClient Get(string registry, string identity, RegistryClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = (RegistryHosts.ApiHost(registry), options.Insecure, identity);
        var now = time.GetUtcNow();
        lock (gate)
        {
            Sweep(now);
            if (!clients.TryGetValue(key, out var entry))
            {
                entry = new Entry(new RegistryClient(options.Insecure ? insecure : verified, disposeHandler: false, options, time, logger)) { LastUsed = now };
                clients[key] = entry;
                if (clients.Count > MaxClients)
                {
                    clients.Remove(clients.MinBy(c => c.Value.LastUsed).Key);
                }
            }

            entry.LastUsed = now;
            return entry.Client;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        List<(string, bool, string)>? idle = null;
        foreach (var (key, entry) in clients)
        {
            if (now - entry.LastUsed > IdleTimeout)
            {
                (idle ??= []).Add(key);
            }
        }

        foreach (var key in idle ?? [])
        {
            clients.Remove(key);
        }
    }

    private sealed class Entry(RegistryClient client)
    {
        public RegistryClient Client { get; } = client;

        public DateTimeOffset LastUsed { get; set; }
    }
}

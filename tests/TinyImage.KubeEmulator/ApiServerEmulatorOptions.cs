namespace TinyImage.KubeEmulator;

/// <summary>How an <see cref="ApiServerEmulator"/> behaves; every default suits a test.</summary>
public sealed record ApiServerEmulatorOptions
{
    /// <summary>Loopback port; 0 picks a free one (see <see cref="ApiServerEmulator.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>Clock for timestamps, bookmarks, watch timeouts, GC delay and injected latency.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How many events the watch history keeps; resuming from an older resourceVersion gets 410 Expired.</summary>
    public int WatchHistoryCapacity { get; init; } = 10_000;

    /// <summary>How often an idle watch with <c>allowWatchBookmarks=true</c> gets a BOOKMARK (the real server: about a minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Watch duration when the client sends no <c>timeoutSeconds</c>; null: until the client or a fault ends it.</summary>
    public TimeSpan? DefaultWatchTimeout { get; init; }

    /// <summary>How long the garbage collector waits after a change before it sweeps owner references.</summary>
    public TimeSpan GarbageCollectionDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Namespaced creates need an existing namespace (404 otherwise), as on a real cluster.</summary>
    public bool RequireNamespaces { get; init; } = true;

    /// <summary>Namespaces that exist from the start.</summary>
    public IReadOnlyList<string> InitialNamespaces { get; init; } = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>
    /// Answer a watch from an expired resourceVersion with HTTP 410 instead of the real server's
    /// HTTP 200 stream holding one ERROR event with a 410 Expired Status.
    /// </summary>
    public bool ExpiredWatchAsHttpError { get; init; }

    /// <summary>The <c>gitVersion</c> reported at <c>/version</c>.</summary>
    public string ServerVersion { get; init; } = "v1.35.0";

    /// <summary>Serve HTTPS with a serving certificate signed by <see cref="CertificateAuthority"/> (generated when null); plain HTTP otherwise.</summary>
    public bool Https { get; init; }

    /// <summary>The CA (with its private key) that signs the HTTPS serving certificate; null generates one.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? CertificateAuthority { get; init; }

    /// <summary>
    /// Run the deployment and ReplicaSet controllers, the scheduler and the kubelet seam (true, as a cluster does); false is
    /// an API server alone, as envtest runs one, where only clients write Deployment status.
    /// </summary>
    public bool WorkloadControllers { get; init; } = true;

    /// <summary>Seed for probabilistic faults and generated names, so a failing run can be repeated.</summary>
    public int RandomSeed { get; init; } = 1;
}

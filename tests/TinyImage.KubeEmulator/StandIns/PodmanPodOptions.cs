using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>What <see cref="PodmanPod"/> needs besides the pod: where to keep state, the API server the pod talks to, and
/// how to read the objects a kubelet reads (Secrets, ConfigMaps, ServiceAccounts) and issue service-account tokens.</summary>
/// <param name="WorkDirectory">Podman state and the pod's volume directories live under it.</param>
/// <param name="ApiServer">The API server's address as the pod sees it (host networking: loopback works):
/// <c>KUBERNETES_SERVICE_HOST</c> and <c>KUBERNETES_SERVICE_PORT</c> come from it.</param>
/// <param name="Get">Reads one object: (apiVersion, plural, namespace, name) to the object, or null when absent.</param>
public sealed record PodmanPodOptions(string WorkDirectory, Uri ApiServer, Func<string, string, string, string, JsonObject?> Get)
{
    /// <summary>A <c>certs.d</c>-style directory with the registry's <c>ca.crt</c> (podman's <c>--cert-dir</c>), or null.</summary>
    public string? RegistryCertDirectory { get; init; }

    /// <summary>A Docker config file used for the pull instead of the pod's <c>imagePullSecrets</c>, or null.</summary>
    public string? AuthFile { get; init; }

    /// <summary>
    /// Issues the token for a projected <c>serviceAccountToken</c> source, as the kubelet's TokenRequest does (the
    /// emulator's token issuer plugs in here). Null: a pod that needs a token fails to start, as a kubelet whose
    /// TokenRequest fails.
    /// </summary>
    public Func<ServiceAccountTokenRequest, CancellationToken, Task<string>>? ServiceAccountTokenIssuer { get; init; }

    /// <summary>
    /// The cluster CA (PEM) that signs the API server's serving certificate: <c>ca.crt</c> of the <c>kube-root-ca.crt</c>
    /// ConfigMap when <see cref="Get"/> finds no such ConfigMap (the emulator has no root-CA publisher controller).
    /// Null: that ConfigMap must exist, as on a real cluster.
    /// </summary>
    public string? ClusterCaCertificatePem { get; init; }

    /// <summary>The clock for probe periods, delays and restart back-off.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often the container's memory peak and emptyDir usage are sampled.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The first restart back-off (the kubelet's is 10 s, doubling up to 5 min).</summary>
    public TimeSpan InitialBackOff { get; init; } = TimeSpan.FromSeconds(10);
}

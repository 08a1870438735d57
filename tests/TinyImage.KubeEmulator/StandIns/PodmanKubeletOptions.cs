namespace TinyImage.KubeEmulator.StandIns;

/// <summary>How the kubelet stand-in runs containers.</summary>
/// <param name="WorkDirectory">Podman's isolated state (storage root, run root, containers.conf, auth files).</param>
/// <param name="CertDirectory">CA certificates for pulling from the test registry (podman <c>--cert-dir</c>), or null.</param>
public sealed record PodmanKubeletOptions(string WorkDirectory, string? CertDirectory)
{
    /// <summary>How long a new container may take to answer HTTP before the rollout counts as failed.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Podman <c>--timeout</c>: containers are killed after this even if the process that started them died (0: never).</summary>
    public int ContainerTimeoutSeconds { get; init; } = 900;

    /// <summary>The loopback port of the first Service proxy (0: any free port; later Deployments get free ports).</summary>
    public int FirstServicePort { get; init; }
}

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>One container the kubelet stand-in started for a Deployment's pod and saw answer HTTP (the pod became Ready).</summary>
/// <param name="Namespace">The Deployment's namespace.</param>
/// <param name="Deployment">The Deployment's name.</param>
/// <param name="Image">The image reference it ran (a digest reference from the operator).</param>
/// <param name="Container">The podman container name.</param>
/// <param name="ContainerUrl">The container's own mapped loopback address.</param>
/// <param name="Pod">The pod it runs for.</param>
public sealed record KubeletRollout(string Namespace, string Deployment, string Image, string Container, Uri ContainerUrl, string Pod);

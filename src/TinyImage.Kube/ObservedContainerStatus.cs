namespace TinyImage.Kube;

/// <summary>The part of a container's status (core/v1 ContainerStatus) that <see cref="ObservedPod"/> reads.</summary>
public sealed class ObservedContainerStatus
{
    public string? Name { get; set; }

    public string? Image { get; set; }

    public ObservedContainerState? State { get; set; }

    /// <summary>The container's previous termination, if it restarted.</summary>
    public ObservedContainerState? LastState { get; set; }
}

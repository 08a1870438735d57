namespace TinyImage.Operator.Controllers;

/// <summary>The workload's state.</summary>
/// <param name="HasImage">A verified image exists, so a Deployment does.</param>
/// <param name="Available">The Deployment runs the verified image with the desired available replicas.</param>
/// <param name="ReadyReplicas">Ready pods, as the Deployment reports them.</param>
/// <param name="Conflict">A write lost a race (409): retry the pass with backoff.</param>
internal sealed record DeployResult(bool HasImage, bool Available, int ReadyReplicas, bool Conflict)
{
    public static DeployResult NoImage { get; } = new(false, false, 0, false);
}

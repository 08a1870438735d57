namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>
/// The negative control of the shipped scenario: the same chart install, with the operator's temporary directory pointed at
/// the image's own <c>/tmp</c> on the read-only root filesystem (the scratch emptyDir mounted elsewhere, <c>--temp-dir=/tmp</c>
/// as a later flag), which is where the operator wrote before the chart mounted scratch space for it.
/// </summary>
public sealed class ScratchlessClusterFixture : LocalClusterFixture
{
    protected override IReadOnlyList<string> HelmSet => ["--set", "scratch.mountPath=/scratch", "--set", "extraArgs={--temp-dir=/tmp}"];
}

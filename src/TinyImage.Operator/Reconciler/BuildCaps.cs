namespace TinyImage.Operator.Reconciler;

/// <summary>The caps on build Jobs running at once: cluster-wide and per namespace; 0 is unlimited.</summary>
/// <param name="ClusterWide">Flag <c>--max-concurrent-builds</c>.</param>
/// <param name="PerNamespace">Flag <c>--max-concurrent-builds-per-namespace</c>.</param>
internal sealed record BuildCaps(int ClusterWide, int PerNamespace)
{
    /// <summary>No cap at all: every build starts when it is wanted.</summary>
    public static BuildCaps Unlimited { get; } = new(0, 0);

    /// <summary>Whether any cap applies.</summary>
    public bool Enabled => ClusterWide > 0 || PerNamespace > 0;
}

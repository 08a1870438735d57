// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable


namespace TinyImage.Kube.Models;

/// <summary>An address block with exceptions.</summary>
public sealed class V1IPBlock
{
    public string Cidr { get; set; }

    public IList<string> Except { get; set; }
}

using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>The identity of an object in a cache or work queue: namespace (null for cluster-scoped) and name.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> value) =>
        new(value.Metadata.NamespaceProperty, value.Metadata.Name);

    public override string ToString() => Namespace is null ? Name : Namespace + "/" + Name;
}

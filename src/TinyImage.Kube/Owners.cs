using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>Helpers for owner references.</summary>
public static class Owners
{
    /// <summary>The controller owner reference (controller: true), if any.</summary>
    public static V1OwnerReference? ControllerOf(IKubernetesObject<V1ObjectMeta> value) =>
        value.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);

    /// <summary>A controller owner reference to <paramref name="owner"/>, blocking the owner's foreground deletion.</summary>
    public static V1OwnerReference ControllerReference(IKubernetesObject<V1ObjectMeta> owner, string apiVersion, string kind) =>
        new()
        {
            ApiVersion = apiVersion,
            Kind = kind,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            BlockOwnerDeletion = true,
            Controller = true,
        };

    /// <summary>The key of the controller owner of <paramref name="value"/> when that owner has the given kind.</summary>
    public static ObjectKey? ControllerKey(IKubernetesObject<V1ObjectMeta> value, string ownerApiVersion, string ownerKind)
    {
        var owner = ControllerOf(value);
        return owner is not null && owner.Kind == ownerKind && owner.ApiVersion == ownerApiVersion
            ? new ObjectKey(value.Metadata.NamespaceProperty, owner.Name)
            : null;
    }
}

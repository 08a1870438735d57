using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Reconciler;

/// <summary>The TinyImage resource for the typed client and informer.</summary>
internal static class TinyImageTypes
{
    public static ResourceType<TinyImageResource> TinyImages { get; } = ResourceType<TinyImageResource>.Create(
        TinyImageResource.Group,
        TinyImageResource.Version,
        TinyImageResource.Plural,
        TinyImageResource.KindValue,
        namespaced: true,
        ApiJson.TypeInfo<TinyImageResource>(),
        ApiJson.TypeInfo<TinyImageList>());

    /// <summary>The label selector of every child the operator owns.</summary>
    public const string ManagedSelector = Annotations.ManagedByLabel + "=" + Annotations.ManagedByValue;
}

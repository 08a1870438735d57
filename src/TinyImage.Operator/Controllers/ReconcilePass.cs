using TinyImage.Kube;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Controllers;

/// <summary>One reconcile pass of one TinyImage: the cached object (read-only), the status being drafted, and the clock.</summary>
internal sealed class ReconcilePass
{
    public ReconcilePass(TinyImageResource tinyImage, DateTimeOffset now)
    {
        TinyImage = tinyImage;
        Now = now;
        Status = tinyImage.Status is null ? new TinyImageStatus() : ObjectCopy.Clone(tinyImage.Status, ApiJson.TypeInfo<TinyImageStatus>());
        Status.Conditions ??= [];
    }

    /// <summary>The cached object. Never change it.</summary>
    public TinyImageResource TinyImage { get; }

    /// <summary>The status this pass writes (once, if it differs from the cached one).</summary>
    public TinyImageStatus Status { get; }

    public DateTimeOffset Now { get; }

    public string Name => TinyImage.Metadata.Name;

    public string Namespace => TinyImage.Metadata.NamespaceProperty;

    public long? Generation => TinyImage.Metadata.Generation;

    /// <summary>The value of the <c>tinyimage.dev/retry</c> annotation, or null.</summary>
    public string? Retry => TinyImage.Metadata.Annotations?.TryGetValue(Annotations.Retry, out var value) == true ? value : null;
}

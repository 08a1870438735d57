using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;

namespace TinyImage.Operator.Controllers;

/// <summary>Step 7's second half: write the status once, and only when it differs from what the API already holds.</summary>
internal sealed class StatusWriter(ClusterView cluster)
{
    /// <summary>Writes when changed; Ok with no object when nothing needed writing, Ok with the server's copy after a write.</summary>
    public async Task<WriteResult<Api.V1Alpha1.TinyImage>> WriteIfChangedAsync(ReconcilePass pass, CancellationToken cancellationToken)
    {
        var info = ApiJson.TypeInfo<TinyImageStatus>();
        var before = pass.TinyImage.Status is null ? "" : ObjectCopy.Json(pass.TinyImage.Status, info);
        if (before == ObjectCopy.Json(pass.Status, info))
        {
            return new WriteResult<Api.V1Alpha1.TinyImage>(WriteOutcome.Ok, null);
        }

        var updated = ObjectCopy.Clone(pass.TinyImage, TinyImageTypes.TinyImages.ItemInfo);
        updated.Status = pass.Status;
        return await cluster.TinyImages.ReplaceStatusAsync(updated, cancellationToken).ConfigureAwait(false);
    }
}

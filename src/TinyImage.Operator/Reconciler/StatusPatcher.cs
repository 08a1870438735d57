using System.Text.Json;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Writes one TinyImage's status during one pass: within the status size budget, only when it differs from what the API
/// holds, each write based on the previous one (a progress write, then the summary), and each remembered until the cache
/// shows it.
/// </summary>
internal sealed class StatusPatcher(ResourceClient<TinyImageResource> client, RecentWrites<TinyImageResource> recent, TinyImageResource read)
{
    /// <summary>The object as last read or written.</summary>
    public TinyImageResource Current { get; private set; } = read;

    /// <summary>The object as read when the pass began.</summary>
    private readonly TinyImageResource first = read;

    /// <summary>
    /// Brings <paramref name="status"/> within the status budget (<see cref="StatusBudget"/>, in place) and writes it when
    /// it differs; false when the write lost a race (409) or the object is gone.
    /// </summary>
    /// <param name="status">The status to write.</param>
    /// <param name="readJson">The read object's status as JSON, when the caller has it (<see cref="Reconciliation.StoredStatusJson"/>).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<bool> WriteIfChangedAsync(TinyImageStatus status, CancellationToken cancellationToken, byte[]? readJson = null)
    {
        StatusBudget.Enforce(status);
        var info = ApiJson.TypeInfo<TinyImageStatus>();
        var before = ReferenceEquals(Current, first) && readJson is not null
            ? readJson
            : Current.Status is null ? null : JsonSerializer.SerializeToUtf8Bytes(Current.Status, info);
        if (before is not null && before.AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(status, info)))
        {
            return true;
        }

        // Only serialized, never kept or changed: the read object's parts are shared, not copied (issue 17).
        var updated = new TinyImageResource
        {
            ApiVersion = Current.ApiVersion,
            Kind = Current.Kind,
            Metadata = Current.Metadata,
            Spec = Current.Spec,
            Status = status,
        };
        var result = await client.ReplaceStatusAsync(updated, cancellationToken).ConfigureAwait(false);
        if (result.Value is not { } stored)
        {
            return false;
        }

        recent.Remember(Current, stored);
        Current = stored;
        return true;
    }
}

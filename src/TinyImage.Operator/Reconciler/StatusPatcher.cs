using System.Runtime.CompilerServices;
using System.Security.Cryptography;
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
/// <param name="client">Writes the status.</param>
/// <param name="recent">Remembers each write until the cache shows it.</param>
/// <param name="read">The object as read when the pass began.</param>
/// <param name="cached">
/// The informer cache's TinyImage at a key and resourceVersion, or null: a write whose watch event the cache has already
/// decoded takes the cached instance for its answer instead of decoding the answer (issue 17; the other way round,
/// <see cref="RecentWrites{T}.Written"/>, an event that comes after the answer takes the answer).
/// </param>
internal sealed class StatusPatcher(ResourceClient<TinyImageResource> client, RecentWrites<TinyImageResource> recent, TinyImageResource read, Func<ObjectKey, string, TinyImageResource?>? cached = null)
{
    /// <summary>
    /// The SHA-256 of the JSON each status instance the operator wrote was sent as (the answer's or the cache's instance of
    /// that write: the API server stores a status write's status as sent, <c>statusStrategy.PrepareForUpdate</c>), so the
    /// next pass compares its draft with the stored status by hash instead of serializing the stored one again (issue 17,
    /// eighth round). Held as long as the instance lives (a cached TinyImage's status), never longer; a status the
    /// operator did not write (another writer's, or read after a restart) is serialized to compare, as before.
    /// </summary>
    private static readonly ConditionalWeakTable<TinyImageStatus, byte[]> Written = new();

    /// <summary>The object as last read or written.</summary>
    public TinyImageResource Current { get; private set; } = read;

    /// <summary>
    /// Brings <paramref name="status"/> within the status budget (<see cref="StatusBudget"/>, in place) and writes it when
    /// it differs; false when the write lost a race (409) or the object is gone.
    /// </summary>
    public async Task<bool> WriteIfChangedAsync(TinyImageStatus status, CancellationToken cancellationToken)
    {
        // Serialized once: the budget's measure is what is compared and what is sent (issue 17).
        var json = StatusBudget.Enforce(status);
        var hash = SHA256.HashData(json);
        if (Current.Status is { } stored && (Written.TryGetValue(stored, out var writtenHash)
                ? writtenHash.AsSpan().SequenceEqual(hash)
                : JsonSerializer.SerializeToUtf8Bytes(stored, ApiJson.TypeInfo<TinyImageStatus>()).AsSpan().SequenceEqual(json)))
        {
            return true;
        }

        // Only serialized, never kept or changed: the read object's parts are shared, not copied (issue 17); the status
        // goes into the body as the bytes measured above.
        var updated = new TinyImageResource
        {
            ApiVersion = Current.ApiVersion,
            Kind = Current.Kind,
            Metadata = Current.Metadata,
            Spec = Current.Spec,
        };
        var (result, resourceVersion) = await client.ReplaceStatusForVersionAsync(updated, json, cached, cancellationToken).ConfigureAwait(false);
        if (!result.IsOk)
        {
            return false;
        }

        // The stored object is the one read with the status sent and the new resourceVersion (the server keeps all but the
        // status of a status write, and the write's resourceVersion precondition held): built, not decoded from the answer
        // (issue 17, eighth round); the status read from the bytes sent, as the server stores them.
        var written = result.Value ?? new TinyImageResource
        {
            ApiVersion = updated.ApiVersion,
            Kind = updated.Kind,
            Metadata = WithResourceVersion(Current.Metadata, resourceVersion!),
            Spec = Current.Spec,
            Status = JsonSerializer.Deserialize(json, ApiJson.TypeInfo<TinyImageStatus>()),
        };

        // Dropped as the informer drops them: the informer may take this very instance for the write's watch event (a
        // cached instance has none, and is not written to).
        if (written.Metadata.ManagedFields is not null)
        {
            written.Metadata.ManagedFields = null;
        }

        if (written.Status is { } writtenStatus)
        {
            Written.AddOrUpdate(writtenStatus, hash);
        }

        recent.Remember(Current, written);
        Current = written;
        return true;
    }

    /// <summary>
    /// A copy of <paramref name="metadata"/> (its maps and lists shared: a cached object's parts are never changed) at
    /// <paramref name="resourceVersion"/>, without managed fields (the informer drops them).
    /// </summary>
    internal static k8s.Models.V1ObjectMeta WithResourceVersion(k8s.Models.V1ObjectMeta metadata, string resourceVersion) => new()
    {
        Annotations = metadata.Annotations,
        CreationTimestamp = metadata.CreationTimestamp,
        DeletionGracePeriodSeconds = metadata.DeletionGracePeriodSeconds,
        DeletionTimestamp = metadata.DeletionTimestamp,
        Finalizers = metadata.Finalizers,
        GenerateName = metadata.GenerateName,
        Generation = metadata.Generation,
        Labels = metadata.Labels,
        Name = metadata.Name,
        NamespaceProperty = metadata.NamespaceProperty,
        OwnerReferences = metadata.OwnerReferences,
        ResourceVersion = resourceVersion,
        SelfLink = metadata.SelfLink,
        Uid = metadata.Uid,
    };
}

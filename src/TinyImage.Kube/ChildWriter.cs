using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// The one create-or-update of every child (controller-runtime's <c>CreateOrUpdate(obj, mutate)</c>): read the cache,
/// create when absent (adopting our own object when the cache lags behind our create), leave an object the owner does
/// not control alone, and update ours only when <c>matches</c> says it differs, by applying <c>mutate</c> to a copy.
/// A caller that does not read the created object passes <c>readCreated: false</c>: the server's copy in the create's
/// answer is then not decoded and the result of a create carries no object (issue 17).
/// </summary>
public static class ChildWriter
{
    public static Task<ApplyResult<T>> CreateOrUpdateAsync<T>(
        ResourceClient<T> client,
        ResourceCache<T> cache,
        T desired,
        string? ownerUid,
        Func<T, bool> matches,
        Action<T> mutate,
        CancellationToken cancellationToken,
        bool readCreated = true)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        CreateOrUpdateCoreAsync(client, cache, desired, ownerUid, null, matches, mutate, readCreated, cancellationToken);

    /// <summary>
    /// <see cref="CreateOrUpdateAsync{T}"/> for a child cached without its spec (a Deployment without its pod template):
    /// <paramref name="desired"/> carries a hash of its spec among its annotations. A cached child whose labels and
    /// annotations include the desired ones (the hash among them) and whose generation is the one the operator's own
    /// write left (<paramref name="generations"/>) is unchanged, read from the cache alone. Otherwise (the desired spec
    /// changed, someone else changed the child's spec, or the operator does not know the generation yet) the child is
    /// read in full and compared by <paramref name="matches"/>, and an update applies <paramref name="mutate"/> to that
    /// full copy, never to the cached form. A created child's answer is read with <paramref name="createdInfo"/> when given
    /// (<see cref="SkippingJson"/>, as the cache reads the child's watch events: what the cached form drops is not built).
    /// </summary>
    public static Task<ApplyResult<T>> CreateOrUpdateBySpecHashAsync<T>(
        ResourceClient<T> client,
        ResourceCache<T> cache,
        T desired,
        string? ownerUid,
        OwnGenerations generations,
        Func<T, bool> matches,
        Action<T> mutate,
        CancellationToken cancellationToken,
        JsonTypeInfo<T>? createdInfo = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(generations);
        return CreateOrUpdateCoreAsync(client, cache, desired, ownerUid, generations, matches, mutate, readCreated: true, cancellationToken, createdInfo);
    }

    private static async Task<ApplyResult<T>> CreateOrUpdateCoreAsync<T>(
        ResourceClient<T> client,
        ResourceCache<T> cache,
        T desired,
        string? ownerUid,
        OwnGenerations? generations,
        Func<T, bool> matches,
        Action<T> mutate,
        bool readCreated,
        CancellationToken cancellationToken,
        JsonTypeInfo<T>? createdInfo = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(matches);
        ArgumentNullException.ThrowIfNull(mutate);
        var actual = cache.Get(ObjectKey.Of(desired));
        var readInFull = false; // actual is a fresh read of the server's object, not a cached instance
        if (actual is null)
        {
            var created = readCreated
                ? await client.CreateAsync(desired, createdInfo, cancellationToken).ConfigureAwait(false)
                : new WriteResult<T>(await client.CreateOutcomeAsync(desired, cancellationToken).ConfigureAwait(false), null);
            switch (created.Outcome)
            {
                case WriteOutcome.Ok:
                    if (generations is not null)
                    {
                        generations.Remember(created.Value!);
                    }

                    return new ApplyResult<T>(ApplyOutcome.Created, created.Value);
                case WriteOutcome.AlreadyExists:
                    // The cache lags behind our own create, or the name is taken by an object the cache does not see.
                    break;
                default:
                    return new ApplyResult<T>(ApplyOutcome.Conflict, null);
            }
        }
        else if (generations is not null)
        {
            // Cached without its spec: ours and unchanged only at the generation our own write or comparison left.
            if (!IsControlledBy(actual, ownerUid))
            {
                return new ApplyResult<T>(ApplyOutcome.NotOurs, actual);
            }

            if (generations.IsOurs(actual)
                && IsSubset(desired.Metadata.Labels, actual.Metadata.Labels)
                && IsSubset(desired.Metadata.Annotations, actual.Metadata.Annotations))
            {
                return new ApplyResult<T>(ApplyOutcome.Unchanged, actual);
            }

            actual = null;
        }

        if (actual is null)
        {
            actual = await client.GetAsync(desired.Metadata.NamespaceProperty, desired.Metadata.Name, cancellationToken).ConfigureAwait(false);
            if (actual is null)
            {
                return new ApplyResult<T>(ApplyOutcome.Conflict, null); // gone since: the next pass creates it
            }

            readInFull = true;
        }

        if (!IsControlledBy(actual, ownerUid))
        {
            return new ApplyResult<T>(ApplyOutcome.NotOurs, actual);
        }

        if (matches(actual))
        {
            generations?.Remember(actual);
            return new ApplyResult<T>(ApplyOutcome.Unchanged, actual);
        }

        var updated = readInFull ? actual : ObjectCopy.Clone(actual, client.Type.ItemInfo); // never change a cached instance
        mutate(updated);
        var written = await client.ReplaceAsync(updated, cancellationToken).ConfigureAwait(false);
        if (!written.IsOk)
        {
            return new ApplyResult<T>(ApplyOutcome.Conflict, null);
        }

        generations?.Remember(written.Value!);
        return new ApplyResult<T>(ApplyOutcome.Updated, written.Value);
    }

    /// <summary>Whether the controller owner reference of <paramref name="child"/> names the owner's uid.</summary>
    public static bool IsControlledBy(IKubernetesObject<V1ObjectMeta> child, string? ownerUid) =>
        ownerUid is not null && Owners.ControllerOf(child)?.Uid == ownerUid;

    /// <summary>Whether every entry of <paramref name="desired"/> is in <paramref name="actual"/> with the same value.</summary>
    public static bool IsSubset(IDictionary<string, string>? desired, IDictionary<string, string>? actual) =>
        desired is null || desired.All(e => actual is not null && actual.TryGetValue(e.Key, out var value) && value == e.Value);

    /// <summary><paramref name="actual"/> with every entry of <paramref name="desired"/> set (others kept).</summary>
    public static Dictionary<string, string>? Merge(IDictionary<string, string>? actual, IDictionary<string, string>? desired)
    {
        if (actual is null && desired is null)
        {
            return null;
        }

        var merged = new Dictionary<string, string>(actual ?? new Dictionary<string, string>());
        foreach (var (key, value) in desired ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return merged;
    }
}

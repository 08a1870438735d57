using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// The controller's own writes, until the informer's cache shows them. A pass that starts while the cache still holds
/// the version a write replaced reads the written copy instead, so it neither redoes work the previous pass recorded
/// nor loses its status write to a conflict with its own earlier one.
/// </summary>
public sealed class RecentWrites<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<ObjectKey, (string? Replaced, T Written)> entries = new();

    public void Remember(T replaced, T stored)
    {
        ArgumentNullException.ThrowIfNull(replaced);
        ArgumentNullException.ThrowIfNull(stored);
        entries[ObjectKey.Of(stored)] = (replaced.Metadata.ResourceVersion, stored);
    }

    /// <summary>The written copy while the cache still shows the version it replaced; else the cached object.</summary>
    public T? Newest(ObjectKey key, T? cached)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            return cached;
        }

        if (cached is not null && cached.Metadata.ResourceVersion == entry.Replaced)
        {
            return entry.Written;
        }

        entries.TryRemove(KeyValuePair.Create(key, entry));
        return cached;
    }

    /// <summary>
    /// Forgets the written copy of <paramref name="cached"/>'s key once the cache holds a version other than the one the
    /// write replaced (call from the informer for every event), so no second copy of an object outlives its write.
    /// </summary>
    public void Seen(T cached)
    {
        ArgumentNullException.ThrowIfNull(cached);
        var key = ObjectKey.Of(cached);
        if (entries.TryGetValue(key, out var entry) && cached.Metadata.ResourceVersion != entry.Replaced)
        {
            entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    /// <summary>
    /// The written copy of <paramref name="key"/> when it is the stored version <paramref name="resourceVersion"/>, else
    /// null: the informer takes it for the watch event of that version instead of decoding the event (issue 17).
    /// </summary>
    public T? Written(ObjectKey key, string resourceVersion) =>
        entries.TryGetValue(key, out var entry) && entry.Written.Metadata.ResourceVersion == resourceVersion ? entry.Written : null;

    /// <summary>Forgets the written copy of a deleted object.</summary>
    public void Forget(ObjectKey key) => entries.TryRemove(key, out _);

    /// <summary>Written copies held; for tests.</summary>
    public int Count => entries.Count;
}

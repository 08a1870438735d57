using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// The informer's thread-safe store, keyed by namespace/name, with indexes (by controller owner uid, by label value, or
/// any function). Readers get the cached instances: treat them as read-only (clone before changing). Every stored
/// object is first put in the cache's form: managed fields dropped, then the form given at construction (client-go's
/// <c>SetTransform</c>: what the controller never reads, such as a ConfigMap's data or a Job's pod template), and its
/// labels and annotations made compact and read-only.
/// </summary>
public sealed class ResourceCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The index of the controller owner's uid.</summary>
    public const string OwnerUidIndex = "owner-uid";

    private readonly Lock gate = new();
    private readonly Dictionary<ObjectKey, T> items = [];
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> indexers = [];
    private readonly Dictionary<string, Dictionary<string, IndexEntry>> indexes = [];
    private readonly Func<T, T>? form;

    /// <param name="form">Strips what the controller never reads before an object is stored (in place, or a new object).</param>
    public ResourceCache(Func<T, T>? form = null)
    {
        this.form = form;
        AddIndex(OwnerUidIndex, value => Owners.ControllerOf(value)?.Uid is { } uid ? [uid] : []);
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return items.Count;
            }
        }
    }

    /// <summary>Adds an index; call before the informer starts.</summary>
    public void AddIndex(string name, Func<T, IEnumerable<string>> indexer)
    {
        lock (gate)
        {
            indexers.Add(name, indexer);
            var index = new Dictionary<string, IndexEntry>();
            indexes.Add(name, index);
            foreach (var (key, value) in items)
            {
                AddToIndex(index, indexer, key, value);
            }
        }
    }

    /// <summary>Indexes by the value of a label, under the index name <c>label:KEY</c>.</summary>
    public string AddLabelIndex(string labelKey)
    {
        var name = "label:" + labelKey;
        AddIndex(name, value => value.Metadata.Labels?.TryGetValue(labelKey, out var v) == true ? [v] : []);
        return name;
    }

    public T? Get(ObjectKey key)
    {
        lock (gate)
        {
            return items.GetValueOrDefault(key);
        }
    }

    public T? Get(string? @namespace, string name) => Get(new ObjectKey(@namespace, name));

    public IReadOnlyList<T> List()
    {
        lock (gate)
        {
            return [.. items.Values];
        }
    }

    public IReadOnlyList<T> ByIndex(string indexName, string value)
    {
        lock (gate)
        {
            if (!indexes[indexName].TryGetValue(value, out var entry))
            {
                return [];
            }

            return entry.More is { } more ? [.. more.Select(k => items[k])] : [items[entry.One]];
        }
    }

    /// <summary>
    /// <paramref name="value"/> in the form this cache stores: managed fields dropped, the form applied, then labels and
    /// annotations held as read-only <see cref="CompactStringMap"/>s (less than half a dictionary's bytes, issue 17).
    /// </summary>
    public T Shape(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        value.Metadata.ManagedFields = null;
        var shaped = form?.Invoke(value) ?? value;
        shaped.Metadata.Labels = CompactStringMap.Of(shaped.Metadata.Labels);
        shaped.Metadata.Annotations = CompactStringMap.Of(shaped.Metadata.Annotations);
        return shaped;
    }

    /// <summary>Stores or replaces an object in the cache's form (see <see cref="Shape"/>); returns the previous one.</summary>
    public T? Upsert(T value) => UpsertShaped(Shape(value));

    /// <summary>Stores or replaces an object already in the cache's form; returns the previous one.</summary>
    internal T? UpsertShaped(T value)
    {
        var key = ObjectKey.Of(value);
        lock (gate)
        {
            var old = RemoveCore(key);
            items[key] = value;
            foreach (var (name, indexer) in indexers)
            {
                AddToIndex(indexes[name], indexer, key, value);
            }

            return old;
        }
    }

    public T? Remove(ObjectKey key)
    {
        lock (gate)
        {
            return RemoveCore(key);
        }
    }

    /// <summary>Keys of the objects in a namespace, or of all when <paramref name="namespace"/> is null.</summary>
    internal IReadOnlyList<ObjectKey> Keys(string? @namespace)
    {
        lock (gate)
        {
            return [.. items.Keys.Where(k => @namespace is null || k.Namespace == @namespace)];
        }
    }

    private T? RemoveCore(ObjectKey key)
    {
        if (!items.Remove(key, out var old))
        {
            return null;
        }

        foreach (var (name, indexer) in indexers)
        {
            var index = indexes[name];
            foreach (var value in indexer(old))
            {
                if (!index.TryGetValue(value, out var entry))
                {
                    continue;
                }

                if (entry.More is not { } more)
                {
                    if (entry.One == key)
                    {
                        index.Remove(value);
                    }
                }
                else if (more.Remove(key) && more.Count == 1)
                {
                    index[value] = new IndexEntry(more.First(), null);
                }
            }
        }

        return old;
    }

    private static void AddToIndex(Dictionary<string, IndexEntry> index, Func<T, IEnumerable<string>> indexer, ObjectKey key, T value)
    {
        foreach (var indexValue in indexer(value))
        {
            if (!index.TryGetValue(indexValue, out var entry))
            {
                index[indexValue] = new IndexEntry(key, null);
            }
            else if (entry.More is { } more)
            {
                more.Add(key);
            }
            else if (entry.One != key)
            {
                index[indexValue] = new IndexEntry(default, [entry.One, key]);
            }
        }
    }

    /// <summary>
    /// The keys under one index value: most owners have one child of a kind, held inline (no set per owner, issue 17);
    /// a set only once there are two or more.
    /// </summary>
    private readonly record struct IndexEntry(ObjectKey One, HashSet<ObjectKey>? More);
}

using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// An index by label value, as the real API server's watch cache keeps for the selectors it serves often: built for a
/// (resource, label key) the first time a list selects on that key with <c>=</c>, then kept up to date at every
/// commit. A list by <c>controller-uid=UID</c> then reads one Job's pods instead of scanning every pod in the store;
/// the full selector (and the field selector) is still tested on each candidate, so the answer is the same.
/// </summary>
internal sealed partial class ObjectStore
{
    /// <summary>Below this many objects a scan is as cheap as the index.</summary>
    private const int LabelIndexThreshold = 64;

    private readonly Dictionary<(string, string), Dictionary<string, LabelIndex>> _labelIndexes = [];

    /// <summary>The (key, object) pairs a list must look at, in key order: an index's candidates, or the whole bucket.</summary>
    private IEnumerable<KeyValuePair<string, StoredEvent>> Candidates(ResourceType type, LabelSelector labels)
    {
        var bucket = Bucket(type);
        if (labels.Equalities.Count == 0 || bucket.Count < LabelIndexThreshold)
        {
            return bucket;
        }

        SortedSet<string>? best = null;
        foreach (var (labelKey, value) in labels.Equalities)
        {
            var keys = LabelIndexLocked(type.StorageKey, bucket, labelKey).KeysOf(value);
            if (best is null || keys.Count < best.Count)
            {
                best = keys;
            }
        }

        return best!.Select(key => new KeyValuePair<string, StoredEvent>(key, bucket[key]));
    }

    private LabelIndex LabelIndexLocked((string, string) storageKey, SortedDictionary<string, StoredEvent> bucket, string labelKey)
    {
        if (!_labelIndexes.TryGetValue(storageKey, out var byKey))
        {
            _labelIndexes[storageKey] = byKey = [];
        }

        if (!byKey.TryGetValue(labelKey, out var index))
        {
            byKey[labelKey] = index = new LabelIndex(labelKey);
            // Built once per (resource, label key): each object's labels are read, from its JSON when it is cold.
            foreach (var (key, commit) in bucket)
            {
                index.Set(key, commit.LiveObject is { } live ? live : commit.Metadata() is { } meta ? new JsonObject { ["metadata"] = meta } : null);
            }
        }

        return index;
    }

    private void IndexLabelsLocked((string, string) storageKey, string key, JsonObject committed, bool deleted)
    {
        if (!_labelIndexes.TryGetValue(storageKey, out var byKey))
        {
            return;
        }

        foreach (var index in byKey.Values)
        {
            index.Set(key, deleted ? null : committed);
        }
    }

    /// <summary>The objects of one resource by the value of one label.</summary>
    private sealed class LabelIndex(string labelKey)
    {
        private static readonly SortedSet<string> None = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SortedSet<string>> byValue = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> valueOf = new(StringComparer.Ordinal);

        public SortedSet<string> KeysOf(string value) => byValue.GetValueOrDefault(value) ?? None;

        /// <summary>Indexes the object stored under <paramref name="key"/> (null: removed).</summary>
        public void Set(string key, JsonObject? obj)
        {
            var value = obj?["metadata"]?["labels"] is JsonObject labels && labels.TryGetPropertyValue(labelKey, out var v)
                && v is JsonValue json && json.TryGetValue<string>(out var text) ? text : null;
            if (valueOf.TryGetValue(key, out var previous))
            {
                if (previous == value)
                {
                    return;
                }

                if (byValue.TryGetValue(previous, out var set) && set.Remove(key) && set.Count == 0)
                {
                    byValue.Remove(previous);
                }

                valueOf.Remove(key);
            }

            if (value is null)
            {
                return;
            }

            valueOf[key] = value;
            if (!byValue.TryGetValue(value, out var keys))
            {
                byValue[value] = keys = new SortedSet<string>(StringComparer.Ordinal);
            }

            keys.Add(key);
        }
    }
}

using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>Reads for the authorizer: the committed objects themselves (never mutated after commit), without copies.</summary>
internal sealed partial class ObjectStore
{
    /// <summary>
    /// The commits of the stored objects of the given resources, in storage order. A commit is a new instance, so two calls
    /// return the same references exactly when nothing changed (whether the objects are hot or cold): the authorizer reads
    /// the objects and recompiles only then.
    /// </summary>
    internal void Stored(ReadOnlySpan<(string Group, string Plural)> keys, List<StoredEvent> into)
    {
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (_data.TryGetValue(key, out var bucket))
                {
                    into.AddRange(bucket.Values);
                }

                // A marker between resources keeps "one object moved from A to B" from looking unchanged.
                into.Add(StoredSeparator);
            }
        }
    }

    /// <summary>The committed object at a key, or null (a reference, not a copy, or a tree parsed for this call when it is cold: read only).</summary>
    internal JsonObject? StoredObject(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Find(type, ns, name);
        }
    }

    /// <summary>The marker <see cref="Stored"/> puts after each resource's objects.</summary>
    internal static StoredEvent StoredSeparator { get; } = new(0, ("", ""), "SEPARATOR", [], null);

    /// <summary>The marker in the objects read from <see cref="Stored"/>'s commits.</summary>
    internal static JsonObject StoredObjectSeparator { get; } = [];
}

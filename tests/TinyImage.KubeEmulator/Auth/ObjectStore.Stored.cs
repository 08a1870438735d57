using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>Reads for the authorizer: the committed objects themselves (never mutated after commit), without copies.</summary>
internal sealed partial class ObjectStore
{
    /// <summary>
    /// The committed objects of the given resources, in storage order. A commit stores a new instance, so two calls
    /// return the same references exactly when nothing changed: the authorizer recompiles only then.
    /// </summary>
    internal void Stored(ReadOnlySpan<(string Group, string Plural)> keys, List<JsonObject> into)
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

    /// <summary>The committed object at a key, or null (a reference, not a copy: read only).</summary>
    internal JsonObject? StoredObject(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Find(type, ns, name);
        }
    }

    /// <summary>The marker <see cref="Stored"/> puts after each resource's objects.</summary>
    internal static JsonObject StoredSeparator { get; } = [];
}

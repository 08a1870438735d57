using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// The <c>metadata.generation</c> of each child (by uid) as the operator last wrote or fully compared it. The server
/// raises the generation on every change of the spec, so a cached child still at its remembered generation has the
/// spec the operator wrote, and its spec-hash annotation says which; any other generation means someone else changed
/// the spec (or the operator restarted and forgot), and the child must be read in full and compared.
/// </summary>
public sealed class OwnGenerations
{
    private readonly ConcurrentDictionary<string, long> generations = new(StringComparer.Ordinal);

    /// <summary>Children remembered; for tests.</summary>
    public int Count => generations.Count;

    /// <summary>Remembers <paramref name="child"/>'s generation as the operator's (after its write or a full comparison).</summary>
    public void Remember(IKubernetesObject<V1ObjectMeta> child)
    {
        ArgumentNullException.ThrowIfNull(child);
        if (child.Metadata.Uid is { } uid && child.Metadata.Generation is { } generation)
        {
            generations[uid] = generation;
        }
    }

    /// <summary>Whether <paramref name="child"/> is at the generation the operator wrote or compared last.</summary>
    public bool IsOurs(IKubernetesObject<V1ObjectMeta> child)
    {
        ArgumentNullException.ThrowIfNull(child);
        return child.Metadata.Uid is { } uid && child.Metadata.Generation is { } generation
            && generations.TryGetValue(uid, out var ours) && ours == generation;
    }

    /// <summary>Forgets a child that is gone.</summary>
    public void Forget(string? uid)
    {
        if (uid is not null)
        {
            generations.TryRemove(uid, out _);
        }
    }
}

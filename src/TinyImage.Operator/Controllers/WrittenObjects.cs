using System.Collections.Concurrent;
using TinyImage.Kube;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Controllers;

/// <summary>
/// Our own status writes, until the informer's cache shows them. A pass that starts while the cache still holds the
/// version we replaced reads our written copy instead, so it does not redo a step (an expensive verification) that
/// the previous pass already finished and recorded.
/// </summary>
internal sealed class WrittenObjects
{
    private readonly ConcurrentDictionary<ObjectKey, (string? Replaced, TinyImageResource Written)> entries = new();

    public void Remember(TinyImageResource replaced, TinyImageResource stored) =>
        entries[ObjectKey.Of(stored)] = (replaced.Metadata.ResourceVersion, stored);

    /// <summary>The written copy while the cache still shows the version it replaced; else the cached object.</summary>
    public TinyImageResource? Newest(ObjectKey key, TinyImageResource? cached)
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
}

using k8s.Models;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

public sealed class ResourceCacheTests
{
    [Fact]
    public void Objects_Are_Found_By_Their_Controller_Owner_Uid_And_By_Label_Until_Removed()
    {
        var cache = new ResourceCache<V1Job>();
        var byName = cache.AddLabelIndex("tinyimage.dev/name");
        cache.Upsert(Job("a-build-1", "uid-a", "a"));
        cache.Upsert(Job("a-build-2", "uid-a", "a"));
        cache.Upsert(Job("b-build-1", "uid-b", "b"));

        Assert.Equal(["a-build-1", "a-build-2"], cache.ByIndex(ResourceCache<V1Job>.OwnerUidIndex, "uid-a").Select(j => j.Metadata.Name).Order());
        Assert.Equal(["b-build-1"], cache.ByIndex(byName, "b").Select(j => j.Metadata.Name));

        cache.Upsert(Job("a-build-2", "uid-b", "b")); // re-owned: the old index entries go
        cache.Remove(new ObjectKey("demo", "a-build-1"));

        Assert.Empty(cache.ByIndex(ResourceCache<V1Job>.OwnerUidIndex, "uid-a"));
        Assert.Equal(["a-build-2", "b-build-1"], cache.ByIndex(byName, "b").Select(j => j.Metadata.Name).Order());
        Assert.Equal(2, cache.Count);
    }

    private static V1Job Job(string name, string ownerUid, string label) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "demo",
            Labels = new Dictionary<string, string> { ["tinyimage.dev/name"] = label },
            OwnerReferences = [new V1OwnerReference { ApiVersion = "tinyimage.dev/v1alpha1", Kind = "TinyImage", Name = label, Uid = ownerUid, Controller = true }],
        },
    };
}

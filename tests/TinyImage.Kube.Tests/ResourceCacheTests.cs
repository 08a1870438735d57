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

    [Fact]
    public void An_Owner_Index_Entry_Goes_From_One_Key_To_Several_And_Back_And_Is_Gone_With_The_Last()
    {
        var cache = new ResourceCache<V1Job>();
        cache.Upsert(Job("a-build-1", "uid-a", "a"));
        cache.Upsert(Job("a-build-1", "uid-a", "a")); // replaced: still one key
        Assert.Equal(["a-build-1"], Owned(cache, "uid-a"));

        cache.Upsert(Job("a-build-2", "uid-a", "a"));
        cache.Upsert(Job("a-build-3", "uid-a", "a"));
        Assert.Equal(["a-build-1", "a-build-2", "a-build-3"], Owned(cache, "uid-a"));

        cache.Remove(new ObjectKey("demo", "a-build-1"));
        cache.Remove(new ObjectKey("demo", "a-build-3"));
        Assert.Equal(["a-build-2"], Owned(cache, "uid-a"));
        cache.Upsert(Job("a-build-4", "uid-a", "a"));
        Assert.Equal(["a-build-2", "a-build-4"], Owned(cache, "uid-a"));

        cache.Remove(new ObjectKey("demo", "a-build-2"));
        cache.Remove(new ObjectKey("demo", "a-build-4"));
        cache.Remove(new ObjectKey("demo", "a-build-4"));
        Assert.Empty(Owned(cache, "uid-a"));
        cache.Upsert(Job("a-build-5", "uid-a", "a"));
        Assert.Equal(["a-build-5"], Owned(cache, "uid-a"));
    }

    [Fact]
    public void Every_Upsert_Stores_The_Caches_Form_Without_Managed_Fields()
    {
        var cache = new ResourceCache<V1Job>(job =>
        {
            job.Spec = null;
            return job;
        });
        var job = Job("a-build-1", "uid-a", "a");
        job.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl" }];
        job.Spec = new V1JobSpec { Template = new V1PodTemplateSpec() };

        cache.Upsert(job);

        var cached = cache.Get("demo", "a-build-1")!;
        Assert.Null(cached.Spec);
        Assert.Null(cached.Metadata.ManagedFields);
        Assert.Equal(["a-build-1"], Owned(cache, "uid-a"));
    }

    [Fact]
    public void Labels_And_Annotations_Are_Cached_Compact_And_Read_Only_And_Serialize_As_Before()
    {
        var cache = new ResourceCache<V1Job>();
        var job = Job("a-build-1", "uid-a", "a");
        job.Metadata.Labels["app.kubernetes.io/component"] = "build";
        job.Metadata.Annotations = new Dictionary<string, string> { ["tinyimage.dev/build-reason"] = "FirstBuild" };
        var json = System.Text.Json.JsonSerializer.Serialize(job, KubeJsonContext.Default.V1Job);

        cache.Upsert(job);

        var cached = cache.Get("demo", "a-build-1")!;
        Assert.IsType<CompactStringMap>(cached.Metadata.Labels);
        Assert.IsType<CompactStringMap>(cached.Metadata.Annotations);
        Assert.Equal("a", cached.Metadata.Labels["tinyimage.dev/name"]);
        Assert.Equal(["a"], cache.ByIndex(cache.AddLabelIndex("tinyimage.dev/name"), "a").Select(j => j.Metadata.Labels["tinyimage.dev/name"]));
        Assert.Throws<NotSupportedException>(() => cached.Metadata.Labels["tinyimage.dev/name"] = "b");
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(cached, KubeJsonContext.Default.V1Job));
        Assert.Equal(cached.Metadata.Labels, ChildWriter.Merge(cached.Metadata.Labels, null));
    }

    private static IEnumerable<string> Owned(ResourceCache<V1Job> cache, string uid) =>
        cache.ByIndex(ResourceCache<V1Job>.OwnerUidIndex, uid).Select(j => j.Metadata.Name).Order();

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

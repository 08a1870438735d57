using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.Tests.CustomResources;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>A cold custom resource keeps its schema's verdict: a write reads it back as validated, as it would the live tree.</summary>
public sealed partial class ColdStoredObjectTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(int.MaxValue)]
    public void A_Cold_Custom_Resource_Read_For_A_Write_Is_Known_As_Validated_And_A_Status_Write_Stores_What_A_Hot_One_Does(int lag)
    {
        var (store, registry) = NewStore(lag);
        Assert.Equal(201, store.Create(registry.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!, null, Crds.TinyImage()).Code);
        var tinyImages = registry.Find("tinyimage.dev", "v1alpha1", "tinyimages")!;
        Assert.Equal(201, store.Create(tinyImages, "default", Crds.TinyImageObject("hello")).Code);
        store.Create(registry.Find("", "v1", "configmaps")!, "default", ConfigMap("later", "web")); // one commit more: the TinyImage is cold at lag 0

        var read = store.FindLocked(tinyImages, "default", "hello")!;

        Assert.True(tinyImages.Schema!.WasValidated(read));
        var status = new JsonObject { ["status"] = new JsonObject { ["phase"] = "Building" } };
        var written = store.MutateStatus(tinyImages, "default", "hello", (candidate, _) => candidate["status"] = status["status"]!.DeepClone());
        Assert.Equal(200, written.Code);
        Assert.Equal("Building", (string?)store.Get(tinyImages, "default", "hello").Body["status"]!["phase"]);
        Assert.Equal("hello", (string?)store.Get(tinyImages, "default", "hello").Body["spec"]!["binary"]);
    }

    [Fact]
    public void A_Cold_Custom_Resource_Is_Not_Known_As_Validated_Under_A_Schema_That_Did_Not_Admit_It()
    {
        var (store, registry) = NewStore(0);
        var crds = registry.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;
        Assert.Equal(201, store.Create(crds, null, Crds.TinyImage()).Code);
        var before = registry.Find("tinyimage.dev", "v1alpha1", "tinyimages")!;
        Assert.Equal(201, store.Create(before, "default", Crds.TinyImageObject("hello")).Code);

        // The CRD written again (a new schema object, as after any CRD update): the stored TinyImage was admitted by the old one.
        var crd = store.Get(crds, null, "tinyimages.tinyimage.dev").Body;
        crd["metadata"]!["labels"] = new JsonObject { ["revision"] = "2" };
        Assert.Equal(200, store.Update(crds, null, "tinyimages.tinyimage.dev", crd, statusOnly: false).Code);
        var after = registry.Find("tinyimage.dev", "v1alpha1", "tinyimages")!;
        Assert.NotSame(before.Schema, after.Schema);

        Assert.False(after.Schema!.WasValidated(store.FindLocked(after, "default", "hello")!));
        Assert.True(before.Schema!.WasValidated(store.FindLocked(before, "default", "hello")!));
    }
}

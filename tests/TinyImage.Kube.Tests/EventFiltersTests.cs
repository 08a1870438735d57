using k8s.Models;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

public sealed class EventFiltersTests
{
    [Fact]
    public void A_Status_Only_Update_Wakes_Nothing()
    {
        var old = ConfigMap();
        var updated = ConfigMap();
        updated.Metadata.ResourceVersion = "2";
        updated.Data = new Dictionary<string, string> { ["status"] = "changed" };

        Assert.False(EventFilters.SpecOrMetadataChanged(new InformerEvent<V1ConfigMap>(InformerEventType.Updated, updated, old)));
    }

    public static TheoryData<string> Changes { get; } = ["generation", "annotation", "label", "deletion", "finalizer"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void An_Update_Of_The_Spec_Or_Metadata_Wakes(string change)
    {
        var old = ConfigMap();
        var updated = ConfigMap();
        switch (change)
        {
            case "generation":
                updated.Metadata.Generation = 2;
                break;
            case "annotation":
                updated.Metadata.Annotations = new Dictionary<string, string> { ["tinyimage.dev/retry"] = "1" };
                break;
            case "label":
                updated.Metadata.Labels["app"] = "other";
                break;
            case "deletion":
                updated.Metadata.DeletionTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
                break;
            case "finalizer":
                updated.Metadata.Finalizers = ["tinyimage.dev/cleanup"];
                break;
        }

        Assert.True(EventFilters.SpecOrMetadataChanged(new InformerEvent<V1ConfigMap>(InformerEventType.Updated, updated, old)));
    }

    [Theory]
    [InlineData(nameof(InformerEventType.Added))]
    [InlineData(nameof(InformerEventType.Deleted))]
    [InlineData(nameof(InformerEventType.Resync))]
    public void Additions_Deletions_And_Resyncs_Always_Wake(string kind)
    {
        var type = Enum.Parse<InformerEventType>(kind);
        Assert.True(EventFilters.SpecOrMetadataChanged(new InformerEvent<V1ConfigMap>(type, ConfigMap(), type == InformerEventType.Added ? null : ConfigMap())));
    }

    [Fact]
    public void WhenChanged_Wakes_On_Deletions_And_Resyncs_Even_With_The_Same_Summary()
    {
        var filter = EventFilters.WhenChanged<V1ConfigMap, int>(_ => 0);

        Assert.True(filter(new InformerEvent<V1ConfigMap>(InformerEventType.Deleted, ConfigMap(), null)));
        Assert.True(filter(new InformerEvent<V1ConfigMap>(InformerEventType.Resync, ConfigMap(), ConfigMap())));
    }

    [Fact]
    public void WhenChanged_Compares_An_Addition_Against_The_Summary_Of_Nothing()
    {
        var filter = EventFilters.WhenChanged<V1ConfigMap, string>(c => c?.Data?["state"] ?? "none");
        var added = ConfigMap();

        added.Data = new Dictionary<string, string> { ["state"] = "none" };
        Assert.False(filter(new InformerEvent<V1ConfigMap>(InformerEventType.Added, added, null)));

        added.Data = new Dictionary<string, string> { ["state"] = "done" };
        Assert.True(filter(new InformerEvent<V1ConfigMap>(InformerEventType.Added, added, null)));
    }

    [Fact]
    public void WhenChanged_Wakes_An_Update_Only_When_The_Summary_Differs()
    {
        var filter = EventFilters.WhenChanged<V1ConfigMap, string>(c => c?.Data?["state"] ?? "none");
        var old = ConfigMap();
        old.Data = new Dictionary<string, string> { ["state"] = "running", ["noise"] = "1" };
        var same = ConfigMap();
        same.Data = new Dictionary<string, string> { ["state"] = "running", ["noise"] = "2" };
        var done = ConfigMap();
        done.Data = new Dictionary<string, string> { ["state"] = "done" };

        Assert.False(filter(new InformerEvent<V1ConfigMap>(InformerEventType.Updated, same, old)));
        Assert.True(filter(new InformerEvent<V1ConfigMap>(InformerEventType.Updated, done, old)));
    }

    private static V1ConfigMap ConfigMap() => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "cm",
            NamespaceProperty = "demo",
            Generation = 1,
            ResourceVersion = "1",
            Labels = new Dictionary<string, string> { ["app"] = "hello" },
        },
    };
}

using System.Text.Json.Serialization.Metadata;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using Xunit;

namespace TinyImage.Api.Tests;

public sealed class ApiJsonTests
{
    [Fact]
    public void A_Minimal_TinyImage_Deserializes_With_The_Recipe_Defaults()
    {
        const string json = """
            {"apiVersion":"tinyimage.dev/v1alpha1","kind":"TinyImage","metadata":{"name":"hello","namespace":"demo","creationTimestamp":"2026-11-27T01:02:03Z"},
             "spec":{"source":{"configMap":{"name":"hello-src"}},"binary":"hello","output":{"repository":"registry.local:5000/hello"},
                     "verify":{"maxImageSize":"4Mi"}}}
            """;

        var ti = ApiJson.Deserialize<TinyImage.Api.V1Alpha1.TinyImage>(json)!;

        Assert.Equal("hello", ti.Metadata.Name);
        Assert.Equal(new DateTime(2026, 11, 27, 1, 2, 3, DateTimeKind.Utc), ti.Metadata.CreationTimestamp);
        Assert.Equal("hello-src", ti.Spec.Source.ConfigMap!.Name);
        Assert.Equal("scratch", ti.Spec.Build.Base);
        Assert.Equal("musl", ti.Spec.Build.Libc);
        Assert.True(ti.Spec.Build.Auditable);
        Assert.Equal("z", ti.Spec.Build.Profile.OptLevel);
        Assert.Equal(1, ti.Spec.Build.Profile.CodegenUnits);
        Assert.Equal(3000, ti.Spec.Deploy.ContainerPort);
        Assert.Equal(4L * 1024 * 1024, ti.Spec.Verify.MaxImageSize!.ToInt64());
    }

    [Fact]
    public void Status_Round_Trips_With_Conditions_And_Omits_Nulls()
    {
        var ti = new TinyImage.Api.V1Alpha1.TinyImage
        {
            Metadata = new() { Name = "x" },
            Status = new TinyImageStatus
            {
                Phase = Phases.Ready,
                ObservedGeneration = 2,
                Conditions = [new k8s.Models.V1Condition { Type = Conditions.Ready, Status = "True", Reason = "Ready", Message = "m", ObservedGeneration = 2, LastTransitionTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) }],
            },
        };

        var json = ApiJson.Serialize(ti);
        var back = ApiJson.Deserialize<TinyImage.Api.V1Alpha1.TinyImage>(json)!;

        Assert.Contains("\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"image\"", json, StringComparison.Ordinal);
        Assert.Equal(Phases.Ready, back.Status!.Phase);
        Assert.Equal("Ready", back.Status.Conditions![0].Type);
    }

    [Fact]
    public void Source_Generated_Properties_Expose_Their_Schema_Attributes()
    {
        var info = (JsonTypeInfo)ApiJson.TypeInfo<TinyImageSpec>();
        var binary = info.Properties.Single(p => p.Name == "binary");

        var pattern = binary.AttributeProvider!.GetCustomAttributes(typeof(PatternAttribute), false).Cast<PatternAttribute>().Single();

        Assert.Equal(Patterns.BinaryName, pattern.Pattern);
    }
}

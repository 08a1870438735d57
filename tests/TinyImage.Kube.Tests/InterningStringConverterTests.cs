using System.Text.Json;
using k8s.Models;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

public sealed class InterningStringConverterTests
{
    [Fact]
    public void Two_Objects_Read_From_Json_Share_Their_Repeated_Strings_Keys_Included()
    {
        var first = Read("a", "uid-1");
        var second = Read("b", "uid-2");

        Assert.Same(first.Metadata.NamespaceProperty, second.Metadata.NamespaceProperty);
        Assert.Same(first.Metadata.Labels.Keys.Single(), second.Metadata.Labels.Keys.Single());
        Assert.Same(first.Metadata.Labels.Values.Single(), second.Metadata.Labels.Values.Single());
        Assert.Same(first.Metadata.OwnerReferences[0].Kind, second.Metadata.OwnerReferences[0].Kind);
        Assert.Same(first.Spec.Template.Spec.Containers[0].Image, second.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal("a", first.Metadata.Name);
        Assert.Equal("b", second.Metadata.Name);
        Assert.Equal("uid-2", second.Metadata.OwnerReferences[0].Uid);
    }

    [Fact]
    public void Escaped_Long_And_Non_Ascii_Strings_Read_As_Written_And_Long_Ones_Are_Not_Pooled()
    {
        var longText = new string('x', InterningStringConverter.MaxChars + 1);
        var odd = "quote \" slash \\ tab \t émoji 😀 \u2028";
        var json = JsonSerializer.Serialize(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { [odd] = longText, ["k"] = odd } }, KubeJsonContext.Default.V1ConfigMap);

        var first = JsonSerializer.Deserialize(json, KubeJsonContext.Default.V1ConfigMap)!;
        var second = JsonSerializer.Deserialize(json, KubeJsonContext.Default.V1ConfigMap)!;

        Assert.Equal(longText, first.Data[odd]);
        Assert.Equal(odd, first.Data["k"]);
        Assert.NotSame(first.Data[odd], second.Data[odd]);
        Assert.Same(first.Data["k"], second.Data["k"]);
        Assert.Equal(json, JsonSerializer.Serialize(first, KubeJsonContext.Default.V1ConfigMap));
    }

    [Fact]
    public void A_Build_Records_Toolchain_Of_Two_Pinned_Images_Is_Pooled()
    {
        // status.build.history[].toolchain: two image references with digests, about 230 characters, the same in every TinyImage.
        var toolchain = "builder=rust:1-alpine@sha256:" + new string('a', 64) + ",kaniko=ghcr.io/osscontainertools/kaniko:v1.28.5-debug@sha256:" + new string('d', 64);
        var json = JsonSerializer.Serialize(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c", Annotations = new Dictionary<string, string> { ["t"] = toolchain } } }, KubeJsonContext.Default.V1ConfigMap);

        var first = JsonSerializer.Deserialize(json, KubeJsonContext.Default.V1ConfigMap)!;
        var second = JsonSerializer.Deserialize(json, KubeJsonContext.Default.V1ConfigMap)!;

        Assert.Equal(toolchain, first.Metadata.Annotations["t"]);
        Assert.Same(first.Metadata.Annotations["t"], second.Metadata.Annotations["t"]);
    }

    [Fact]
    public void The_Pool_Stays_Bounded_When_Every_String_Is_New()
    {
        for (var i = 0; i < InterningStringConverter.Capacity + 100; i++)
        {
            InterningStringConverter.Intern("unique-" + i);
        }

        Assert.InRange(InterningStringConverter.PooledCount, 1, InterningStringConverter.Capacity);
    }

    private static V1Deployment Read(string name, string ownerUid)
    {
        // Built as text so that no string instance is shared with the test before reading.
        var json = "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + "team-" + "one" + "\",\"labels\":{\"app.kubernetes.io/" + "managed-by\":\"tinyimage-" + "operator\"},"
            + "\"ownerReferences\":[{\"apiVersion\":\"tinyimage.dev/v1alpha1\",\"kind\":\"Tiny" + "Image\",\"name\":\"" + name + "\",\"uid\":\"" + ownerUid + "\",\"controller\":true}]},"
            + "\"spec\":{\"selector\":{},\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.test/a@sha256:" + new string('0', 64) + "\"}]}}}}";
        return JsonSerializer.Deserialize(json, KubeJsonContext.Default.V1Deployment)!;
    }
}

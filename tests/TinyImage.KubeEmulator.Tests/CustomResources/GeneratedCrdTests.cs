using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.CustomResources;

/// <summary>The operator's generated CRD (config/crd/bases, pinned to the generator by the operator's tests) through the emulator's HTTP API.</summary>
public sealed class GeneratedCrdTests
{
    private const string TinyImages = "/apis/tinyimage.dev/v1alpha1/namespaces/default/tinyimages";

    [Fact]
    public async Task The_Generated_Crd_As_It_Was_With_A_Description_Under_Root_Metadata_Is_Refused_With_The_Real_422()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var crd = Crds.TinyImage();
        // The shape the generator wrote before issue 11: metadata described like any other property.
        Crds.SchemaOf(crd)["properties"]!["metadata"] = new JsonObject { ["description"] = "Standard object metadata.", ["type"] = "object" };

        var (code, body) = await http.PostJsonAsync(Crds.Path, crd);

        Assert.Equal(422, code);
        Assert.Equal("Invalid", (string?)body["reason"]);
        Assert.Equal(
            "CustomResourceDefinition.apiextensions.k8s.io \"tinyimages.tinyimage.dev\" is invalid: spec.validation.openAPIV3Schema.properties[metadata]: "
            + "Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified",
            (string?)body["message"]);
        var cause = Assert.Single(body["details"]!["causes"]!.AsArray());
        Assert.Equal("FieldValueForbidden", (string?)cause!["reason"]);
        Assert.Equal("spec.validation.openAPIV3Schema.properties[metadata]", (string?)cause["field"]);
        Assert.Equal("CustomResourceDefinition", (string?)body["details"]!["kind"]);
        Assert.Equal(404, (await http.GetJsonAsync(Crds.Path + "/tinyimages.tinyimage.dev")).Code);
    }

    [Fact]
    public async Task The_Committed_Generated_Crd_Is_Accepted_And_Established()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, body) = await http.PostJsonAsync(Crds.Path, Crds.TinyImage());

        Assert.True(code == 201, body.ToJsonString());
        Assert.Equal("object", (string?)Crds.SchemaOf(Crds.TinyImage())["properties"]!["metadata"]!["type"]);
        Assert.Single(Crds.SchemaOf(Crds.TinyImage())["properties"]!["metadata"]!.AsObject());
        Assert.Equal(200, (await http.GetJsonAsync(TinyImages)).Code);
    }

    public static TheoryData<string> BadNames() => new()
    {
        "1hello",                        // a Service name (DNS-1035 label) starts with a letter
        "hello.world",                   // a DNS subdomain, but a Service name has no dots
        "h" + new string('e', 63),       // 64 characters: longer than a Service name may be
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task A_TinyImage_Whose_Name_Cannot_Name_Its_Service_Is_Refused_At_Apply_Time_By_The_Root_Rule(string name)
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, Crds.TinyImage())).Code);

        var (code, body) = await http.PostJsonAsync(TinyImages, Crds.TinyImageObject(name));

        Assert.Equal(422, code);
        Assert.StartsWith($"TinyImage.tinyimage.dev \"{name}\" is invalid: <nil>: Invalid value: \"object\": metadata.name must be a DNS-1035 label of at most 63 characters", (string?)body["message"]);
        Assert.Equal("<nil>", (string?)body["details"]!["causes"]![0]!["field"]);
    }

    [Fact]
    public async Task A_TinyImage_With_A_Good_Name_Is_Created_Pruned_And_Defaulted()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, Crds.TinyImage())).Code);
        var ti = Crds.TinyImageObject("h" + new string('e', 62));
        ti["spec"]!["unknownField"] = "dropped";

        var (code, body) = await http.PostJsonAsync(TinyImages, ti);

        Assert.True(code == 201, body.ToJsonString());
        Assert.Null(body["spec"]!["unknownField"]);
        Assert.Equal("scratch", (string?)body["spec"]!["build"]!["base"]);
    }

    [Fact]
    public async Task A_TinyImage_That_Breaks_A_Spec_Rule_Gets_The_Rule_Message_At_Its_Path()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, Crds.TinyImage())).Code);
        var ti = Crds.TinyImageObject("hello");
        ti["spec"]!["source"]!["git"] = new JsonObject { ["url"] = "https://github.com/example/hello" };

        var (code, body) = await http.PostJsonAsync(TinyImages, ti);

        Assert.Equal(422, code);
        Assert.Equal(
            "TinyImage.tinyimage.dev \"hello\" is invalid: spec.source: Invalid value: \"object\": exactly one of source.git or source.configMap must be set",
            (string?)body["message"]);
    }
}

using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.Builtins;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Builtins;

/// <summary>
/// The real server's annotation rules (apimachinery ValidateAnnotations: 256 KiB of keys and values in total, every key a
/// qualified name) on an object and on a pod template, and its downwardAPI volume rules (validateDownwardAPIVolumeFile),
/// with the messages it words them in (values quoted as Go's %q quotes them).
/// </summary>
public sealed class AnnotationAndDownwardApiValidationTests
{
    private const string Jobs = "/apis/batch/v1/namespaces/default/jobs";
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const int Limit = 256 * 1024;

    /// <summary>A Job whose pod template carries <paramref name="annotations"/> and mounts <paramref name="items"/> as a downwardAPI volume.</summary>
    private static JsonObject Job(string name, JsonObject? annotations = null, JsonArray? items = null)
    {
        var job = BuiltinStorageTests.Job(name);
        var template = job["spec"]!["template"]!.AsObject();
        if (annotations is not null)
        {
            template["metadata"] = new JsonObject { ["annotations"] = annotations };
        }

        if (items is not null)
        {
            template["spec"]!["volumes"] = new JsonArray(new JsonObject { ["name"] = "containerfile", ["downwardAPI"] = new JsonObject { ["items"] = items } });
        }

        return job;
    }

    private static JsonObject Item(string path, string fieldPath, string? apiVersion = "v1")
    {
        var fieldRef = new JsonObject { ["fieldPath"] = fieldPath };
        if (apiVersion is not null)
        {
            fieldRef["apiVersion"] = apiVersion;
        }

        return new JsonObject { ["path"] = path, ["fieldRef"] = fieldRef };
    }

    [Fact]
    public async Task Annotations_Up_To_256_KiB_Of_Keys_And_Values_Are_Stored_One_Byte_More_Is_Refused_On_The_Object()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        const string Key = "tinyimage.dev/containerfile";
        JsonObject ConfigMap(string name, int valueBytes) => new()
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["annotations"] = new JsonObject { [Key] = new string('x', valueBytes) } },
        };

        var (fits, _) = await http.PostJsonAsync(ConfigMaps, ConfigMap("fits", Limit - Key.Length));
        var (code, status) = await http.PostJsonAsync(ConfigMaps, ConfigMap("big", Limit - Key.Length + 1));

        Assert.Equal(201, fits);
        Assert.Equal(422, code);
        Assert.Equal("ConfigMap \"big\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes", (string?)status["message"]);
        Assert.Equal("FieldValueTooLong", (string?)status["details"]!["causes"]![0]!["reason"]);
    }

    [Fact]
    public async Task A_Pod_Templates_Annotations_Count_In_UTF8_Bytes_And_Are_Capped_Like_An_Objects()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        const string Key = "a";

        // 'é' is two bytes: half the characters fill the limit exactly, one more goes over.
        var (fits, _) = await http.PostJsonAsync(Jobs, Job("fits", new JsonObject { [Key] = new string('é', (Limit - 2) / 2) + "x" }));
        var (code, status) = await http.PostJsonAsync(Jobs, Job("big", new JsonObject { [Key] = new string('é', (Limit - 2) / 2) + "é" }));

        Assert.Equal(201, fits);
        Assert.Equal(422, code);
        Assert.Equal("Job.batch \"big\" is invalid: spec.template.annotations: Too long: may not be more than 262144 bytes", (string?)status["message"]);
    }

    [Fact]
    public async Task An_Annotation_Key_Must_Be_A_Qualified_Name_Compared_Lowercased()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (upper, _) = await http.PostJsonAsync(Jobs, Job("upper", new JsonObject { ["Example.COM/Key"] = "v" }));
        var (code, status) = await http.PostJsonAsync(Jobs, Job("bad", new JsonObject { ["a/b/c"] = "v" }));

        Assert.Equal(201, upper);
        Assert.Equal(422, code);
        Assert.StartsWith("Job.batch \"bad\" is invalid: spec.template.annotations: Invalid value: \"a/b/c\": a valid label key must consist of", (string?)status["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metadata.annotations['tinyimage.dev/containerfile']")]
    [InlineData("metadata.labels['app']")]
    [InlineData("metadata.name")]
    [InlineData("metadata.namespace")]
    [InlineData("metadata.uid")]
    [InlineData("metadata.labels")]
    [InlineData("metadata.annotations")]
    public async Task A_DownwardAPI_Volume_May_Project_The_Pods_Metadata(string fieldPath)
    {
        await using var kube = await KubeHttp.StartAsync();

        var (code, job) = await kube.CreateHttpClient().PostJsonAsync(Jobs, Job("ok", items: [Item("Containerfile", fieldPath)]));

        Assert.Equal(201, code);
        Assert.Equal(420, (int?)job["spec"]!["template"]!["spec"]!["volumes"]![0]!["downwardAPI"]!["defaultMode"]);
    }

    [Fact]
    public async Task A_FieldRef_Without_ApiVersion_Is_Defaulted_To_V1()
    {
        await using var kube = await KubeHttp.StartAsync();

        var (code, job) = await kube.CreateHttpClient().PostJsonAsync(Jobs, Job("ok", items: [Item("f", "metadata.name", apiVersion: null)]));

        Assert.Equal(201, code);
        Assert.Equal("v1", (string?)job["spec"]!["template"]!["spec"]!["volumes"]![0]!["downwardAPI"]!["items"]![0]!["fieldRef"]!["apiVersion"]);
    }

    public static TheoryData<string, string, string?, string> Refused => new()
    {
        // Fields a volume may not project (env may): NotSupported with the five it may, after ConvertDownwardAPIFieldLabel.
        { "f", "spec.nodeName", "v1", "spec.template.spec.volumes[0].downwardAPI.fieldRef.fieldPath: Unsupported value: \"spec.nodeName\": supported values: \"metadata.annotations\", \"metadata.labels\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\"" },
        { "f", "spec.host", "v1", "spec.template.spec.volumes[0].downwardAPI.fieldRef.fieldPath: Unsupported value: \"spec.nodeName\": supported values: \"metadata.annotations\", \"metadata.labels\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\"" },
        { "f", "status.bogus", "v1", "spec.template.spec.volumes[0].downwardAPI.fieldRef.fieldPath: Invalid value: \"status.bogus\": error converting fieldPath: field label not supported: status.bogus" },
        { "f", "spec.containers['x']", "v1", "spec.template.spec.volumes[0].downwardAPI.fieldRef.fieldPath: Invalid value: \"spec.containers['x']\": error converting fieldPath: field label does not support subscript: spec.containers['x']" },
        { "f", "metadata.name", "v2", "spec.template.spec.volumes[0].downwardAPI.fieldRef.fieldPath: Invalid value: \"metadata.name\": error converting fieldPath: unsupported pod version: v2" },
        // The subscript is a qualified name; the error names the fieldRef and quotes the subscript as Go's %q does.
        { "f", "metadata.annotations['a b']", "v1", "spec.template.spec.volumes[0].downwardAPI.fieldRef: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')" },
        // The file's path: relative, no '..' element, not starting with '..'.
        { "/etc/passwd", "metadata.name", "v1", "spec.template.spec.volumes[0].downwardAPI.path: Invalid value: \"/etc/passwd\": must be a relative path" },
        { "a/../b", "metadata.name", "v1", "spec.template.spec.volumes[0].downwardAPI.path: Invalid value: \"a/../b\": must not contain '..'" },
        { "..data", "metadata.name", "v1", "spec.template.spec.volumes[0].downwardAPI.path: Invalid value: \"..data\": must not start with '..'" },
        { "", "metadata.name", "v1", "spec.template.spec.volumes[0].downwardAPI.path: Required value" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_DownwardAPI_Volume_Item_The_Real_Server_Refuses_Is_Refused_With_Its_Message(string path, string fieldPath, string? apiVersion, string expected)
    {
        await using var kube = await KubeHttp.StartAsync();

        var (code, status) = await kube.CreateHttpClient().PostJsonAsync(Jobs, Job("bad", items: [Item(path, fieldPath, apiVersion)]));

        Assert.Equal(422, code);
        Assert.Equal("Job.batch \"bad\" is invalid: " + expected, (string?)status["message"]);
    }

    [Fact]
    public async Task An_Item_Without_FieldRef_Or_ResourceFieldRef_And_A_Mode_Over_0777_Are_Refused()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (noRef, noRefStatus) = await http.PostJsonAsync(Jobs, Job("noref", items: [new JsonObject { ["path"] = "f" }]));
        var (mode, modeStatus) = await http.PostJsonAsync(Jobs, Job("mode", items: [new JsonObject { ["path"] = "f", ["fieldRef"] = new JsonObject { ["fieldPath"] = "metadata.name" }, ["mode"] = 512 }]));

        Assert.Equal((422, 422), (noRef, mode));
        Assert.Equal("Job.batch \"noref\" is invalid: spec.template.spec.volumes[0].downwardAPI: Required value: one of fieldRef and resourceFieldRef is required", (string?)noRefStatus["message"]);
        Assert.Equal("Job.batch \"mode\" is invalid: spec.template.spec.volumes[0].downwardAPI.mode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive", (string?)modeStatus["message"]);
    }

    [Fact]
    public async Task A_Pods_Own_DownwardAPI_Volumes_And_A_Projected_Volumes_Are_Checked_Too()
    {
        await using var kube = await KubeHttp.StartAsync();
        var pod = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
             "spec":{"containers":[{"name":"c","image":"example/app:1"}],
                     "volumes":[{"name":"v","projected":{"sources":[{"downwardAPI":{"items":[{"path":"f","fieldRef":{"fieldPath":"spec.nodeName"}}]}}]}}]}}
            """)!.AsObject();

        var (code, status) = await kube.CreateHttpClient().PostJsonAsync("/api/v1/namespaces/default/pods", pod);

        Assert.Equal(422, code);
        Assert.StartsWith("Pod \"p\" is invalid: spec.volumes[0].projected.sources[0].downwardAPI.fieldRef.fieldPath: Unsupported value: \"spec.nodeName\"", (string?)status["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("metadata.annotations['x']", "\"metadata.annotations['x']\"")]
    [InlineData("<a&b>", "\"<a&b>\"")]
    [InlineData("quote\" back\\", "\"quote\\\" back\\\\\"")]
    [InlineData("tab\tnl\n\u0001\u007f", "\"tab\\tnl\\n\\x01\\x7f\"")]
    [InlineData("é日本", "\"é日本\"")]
    [InlineData("\u00a0\u200b", "\"\\u00a0\\u200b\"")]
    public void Values_Are_Quoted_As_Gos_Percent_Q_Quotes_Them(string value, string expected)
    {
        Assert.Equal(expected, GoQuote.Quote(value));
    }
}

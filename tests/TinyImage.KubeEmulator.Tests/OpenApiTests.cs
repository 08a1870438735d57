using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// <c>/openapi/v3</c> as kube-apiserver serves it (kube-openapi handler3; apiextensions-apiserver's OpenAPI builder),
/// and server-side field validation (KEP-2885; cases from test/integration/apiserver/field_validation_test.go).
/// </summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task The_Root_Lists_Each_Group_Version_With_A_Hashed_Url_That_Changes_With_Its_Content()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();

        var (code, root) = await http.GetJsonAsync("/openapi/v3");
        var before = (string?)root["paths"]?["apis/example.dev/v7"]?["serverRelativeURL"];
        var (_, appsBefore) = await http.GetJsonAsync("/openapi/v3");
        kube.Resources.Register(KubeHttp.Widgets with { Version = "v7" });
        kube.Resources.Register(new ResourceType("apps", "v1", "Gadget", "gadgets", true));
        var (_, after) = await http.GetJsonAsync("/openapi/v3");

        Assert.Equal(200, code);
        Assert.Matches("^/openapi/v3/api/v1\\?hash=[0-9A-F]{128}$", (string?)root["paths"]!["api/v1"]!["serverRelativeURL"]);
        Assert.NotNull(root["paths"]!["apis/apps/v1"]);
        Assert.Null(before);
        Assert.NotNull(after["paths"]!["apis/example.dev/v7"]);
        Assert.Equal((string?)appsBefore["paths"]!["api/v1"]!["serverRelativeURL"], (string?)after["paths"]!["api/v1"]!["serverRelativeURL"]);
        Assert.NotEqual((string?)appsBefore["paths"]!["apis/apps/v1"]!["serverRelativeURL"], (string?)after["paths"]!["apis/apps/v1"]!["serverRelativeURL"]);
    }

    [Fact]
    public async Task Every_Patch_Operation_Names_Its_Kind_And_Offers_FieldValidation_And_Only_Built_Ins_Take_Strategic_Merge()
    {
        await using var kube = await KubeHttp.StartAsync();
        kube.Resources.Register(KubeHttp.Widgets);
        using var http = kube.CreateHttpClient();

        var (_, core) = await http.GetJsonAsync("/openapi/v3/api/v1");
        var (_, widgets) = await http.GetJsonAsync("/openapi/v3/apis/example.dev/v1");
        var configMapPatch = core["paths"]!["/api/v1/namespaces/{namespace}/configmaps/{name}"]!["patch"]!;
        var widgetPatch = widgets["paths"]!["/apis/example.dev/v1/namespaces/{namespace}/widgets/{name}"]!["patch"]!;

        Assert.Equal("ConfigMap", (string?)configMapPatch["x-kubernetes-group-version-kind"]!["kind"]);
        Assert.Contains("fieldValidation", configMapPatch["parameters"]!.AsArray().Select(p => (string?)p!["name"]));
        Assert.NotNull(configMapPatch["requestBody"]!["content"]!["application/strategic-merge-patch+json"]);
        Assert.Equal("Widget", (string?)widgetPatch["x-kubernetes-group-version-kind"]!["kind"]);
        Assert.Null(widgetPatch["requestBody"]!["content"]!["application/strategic-merge-patch+json"]);
        Assert.NotNull(widgetPatch["requestBody"]!["content"]!["application/merge-patch+json"]);
        Assert.Equal(404, (await http.GetJsonAsync("/openapi/v3/apis/nothing.dev/v1")).Code);
    }

    [Fact]
    public async Task Strict_Refuses_Unknown_And_Duplicate_Fields_Of_A_Built_In_Warn_Answers_Warnings_And_Ignore_Stores()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();
        // From field_validation_test.go's invalidBodyJSON: unknown fields at two depths, duplicates at two depths.
        const string Body = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","labels":{"app":"nginx"}},
             "spec":{"unknown1":"val1","paused":true,"paused":false,"selector":{"matchLabels":{"app":"nginx"}},
                     "template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx:latest",
                     "unknownNested":"val1","imagePullPolicy":"Always","imagePullPolicy":"Never"}]}}}}
            """;

        var strict = await PostAsync(http, "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict", Body.Replace("NAME", "strict", StringComparison.Ordinal));
        var warn = await PostAsync(http, "/apis/apps/v1/namespaces/default/deployments", Body.Replace("NAME", "warn", StringComparison.Ordinal));
        var ignore = await PostAsync(http, "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Ignore", Body.Replace("NAME", "ignore", StringComparison.Ordinal));
        var bad = await PostAsync(http, "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Loud", Body.Replace("NAME", "bad", StringComparison.Ordinal));

        Assert.Equal(400, strict.Code);
        Assert.Equal("BadRequest", (string?)strict.Body["reason"]);
        Assert.Equal(
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: duplicate field \"paused\", duplicate field \"imagePullPolicy\", "
            + "unknown field \"spec.unknown1\", unknown field \"spec.template.spec.containers[0].unknownNested\"",
            (string?)strict.Body["message"]);
        Assert.Equal(201, warn.Code);
        Assert.Equal(
            ["299 - \"duplicate field \\\"paused\\\"\"", "299 - \"duplicate field \\\"imagePullPolicy\\\"\"", "299 - \"unknown field \\\"spec.unknown1\\\"\"",
             "299 - \"unknown field \\\"spec.template.spec.containers[0].unknownNested\\\"\""],
            warn.Warnings);
        Assert.Equal(201, ignore.Code);
        Assert.Empty(ignore.Warnings);
        Assert.Equal((400, "fieldValidation parameter unsupported: Loud"), (bad.Code, (string?)bad.Body["message"]));
        Assert.Equal(404, kube.Get("apps/v1", "deployments", "default", "strict").Code);
    }

    [Fact]
    public async Task Strict_Names_A_Custom_Resources_Unknown_Fields_By_Path_In_A_Merge_Patch_Too()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();
        var crd = JsonNode.Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"crons.example.dev"},
             "spec":{"group":"example.dev","scope":"Namespaced","names":{"kind":"Cron","plural":"crons","singular":"cron"},
             "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{
               "spec":{"type":"object","properties":{"knownField1":{"type":"string"},"ports":{"type":"array","items":{"type":"object",
                 "properties":{"containerPort":{"type":"integer"},"hostPort":{"type":"integer"},"name":{"type":"string"},"protocol":{"type":"string"}}}}}}}}}}]}}
            """)!.AsObject();
        Assert.Equal(201, (await http.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).Code);
        Assert.True(await KubeHttp.EventuallyAsync(() => kube.Resources.Find("example.dev", "v1", "crons") is not null));
        Assert.Equal(201, (await PostAsync(http, "/apis/example.dev/v1/namespaces/default/crons?fieldValidation=Strict",
            """{"apiVersion":"example.dev/v1","kind":"Cron","metadata":{"name":"c"},"spec":{"knownField1":"val1"}}""")).Code);

        // crdInvalidBody's merge patch from field_validation_test.go.
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri("/apis/example.dev/v1/namespaces/default/crons/c?fieldValidation=Strict", UriKind.Relative))
        {
            Content = new StringContent("""
                {"spec":{"unknown1":"val1","unknownDupe":"valDupe","unknownDupe":"valDupe2","knownField1":"val1","knownField1":"val2",
                  "ports":[{"name":"portName","containerPort":8080,"protocol":"TCP","hostPort":8081,"hostPort":8082,"unknownNested":"val"}]}}
                """),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using var response = await http.SendAsync(request, KubeHttp.Bounded());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(KubeHttp.Bounded()))!.AsObject();

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(
            "strict decoding error: duplicate field \"unknownDupe\", duplicate field \"knownField1\", duplicate field \"hostPort\", "
            + "unknown field \"spec.ports[0].unknownNested\", unknown field \"spec.unknown1\", unknown field \"spec.unknownDupe\"",
            (string?)body["message"]);
        Assert.Equal("val1", (string?)kube.Get("example.dev/v1", "crons", "default", "c").Body["spec"]!["knownField1"]);
    }

    private static async Task<(int Code, JsonObject Body, IReadOnlyList<string> Warnings)> PostAsync(HttpClient http, string path, string json)
    {
        using var content = new StringContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, KubeHttp.Bounded());
        var warnings = response.Headers.TryGetValues("Warning", out var values) ? values.ToList() : [];
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(KubeHttp.Bounded()))!.AsObject(), warnings);
    }
}

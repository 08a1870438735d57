using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Builtins;

/// <summary>The real server's 422s for built-ins: names per kind, immutable fields, sizes, event limits, MicroTime.</summary>
public sealed class BuiltinValidationTests
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";
    private const string Jobs = "/apis/batch/v1/namespaces/default/jobs";
    private const string Services = "/api/v1/namespaces/default/services";
    private const string Events = "/apis/events.k8s.io/v1/namespaces/default/events";

    private static JsonObject Service(string name) =>
        JsonNode.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"NAME"},"spec":{"selector":{"app":"x"},"ports":[{"port":80}]}}""".Replace("NAME", name, StringComparison.Ordinal))!.AsObject();

    [Theory]
    [InlineData("1abc")]
    [InlineData("a.b")]
    [InlineData("-a")]
    public async Task A_Service_Name_Must_Be_A_Dns_1035_Label(string name)
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, status) = await http.PostJsonAsync(Services, Service(name));

        Assert.Equal(422, code);
        Assert.Equal(
            $"Service \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            (string?)status["message"]);
    }

    [Fact]
    public async Task A_Namespace_Name_With_A_Dot_Must_Not_Contain_Dots()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, status) = await http.PostJsonAsync("/api/v1/namespaces", JsonNode.Parse("""{"metadata":{"name":"a.b"}}""")!.AsObject());

        Assert.Equal(422, code);
        Assert.Equal("Namespace \"a.b\" is invalid: metadata.name: Invalid value: \"a.b\": must not contain dots", (string?)status["message"]);
    }

    [Theory]
    [InlineData("1abc", 201)]
    [InlineData("a.b", 201)]
    [InlineData("A", 422)]
    [InlineData("a_b", 422)]
    public async Task A_Job_Name_Is_A_Dns_1123_Subdomain(string name, int expected)
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, _) = await http.PostJsonAsync(Jobs, BuiltinStorageTests.Job(name));

        Assert.Equal(expected, code);
    }

    [Fact]
    public async Task A_Deployment_Selector_Is_Immutable()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Deployments, BuiltinStorageTests.Deployment("web"));
        var patch = JsonNode.Parse("""{"spec":{"selector":{"matchLabels":{"app":"web","tier":"x"}},"template":{"metadata":{"labels":{"app":"web","tier":"x"}}}}}""")!;

        var (code, status) = await http.PatchJsonAsync(Deployments + "/web", patch);

        Assert.Equal(422, code);
        Assert.Equal("Deployment.apps \"web\" is invalid: spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web\",\"tier\":\"x\"}}: field is immutable", (string?)status["message"]);
    }

    [Fact]
    public async Task A_Job_Template_Is_Immutable_But_Its_Labels_May_Change_While_Suspended_And_Never_Started()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, BuiltinStorageTests.Job("build"));
        var suspended = BuiltinStorageTests.Job("held");
        suspended["spec"]!["suspend"] = true;
        await http.PostJsonAsync(Jobs, suspended);
        var image = JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"kaniko","image":"other:1"}]}}}}""")!;
        var label = JsonNode.Parse("""{"spec":{"template":{"metadata":{"labels":{"extra":"yes"}}}}}""")!;

        var (imageCode, imageStatus) = await http.PatchJsonAsync(Jobs + "/build", image, KubeHttp.Strategic);
        var (labelCode, _) = await http.PatchJsonAsync(Jobs + "/build", label);
        var (heldLabelCode, _) = await http.PatchJsonAsync(Jobs + "/held", label);
        var (selectorCode, selectorStatus) = await http.PatchJsonAsync(Jobs + "/build", JsonNode.Parse("""{"spec":{"selector":{"matchLabels":{"x":"y"}}}}""")!);

        Assert.Equal(422, imageCode);
        Assert.StartsWith("Job.batch \"build\" is invalid: spec.template: Invalid value: ", (string?)imageStatus["message"]);
        Assert.EndsWith(": field is immutable", (string?)imageStatus["message"]);
        Assert.Equal(422, labelCode);
        Assert.Equal(200, heldLabelCode);
        Assert.Equal(422, selectorCode);
        Assert.Contains("spec.selector: Invalid value: ", (string?)selectorStatus["message"]);
    }

    [Fact]
    public async Task A_Service_Cluster_Ip_May_Not_Change_Once_Set_But_An_Update_Without_It_Keeps_It()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, created) = await http.PostJsonAsync(Services, Service("web"));
        var ip = (string)created["spec"]!["clusterIP"]!;

        var resend = Service("web");
        var (keepCode, kept) = await http.PutJsonAsync(Services + "/web", resend);
        var (changeCode, status) = await http.PatchJsonAsync(Services + "/web", JsonNode.Parse("""{"spec":{"clusterIP":"10.96.0.99"}}""")!);

        Assert.Equal(200, keepCode);
        Assert.Equal(ip, (string?)kept["spec"]!["clusterIP"]);
        Assert.Equal(created.Rv(), kept.Rv());
        Assert.Equal(422, changeCode);
        Assert.Equal("Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: [\"10.96.0.99\"]: may not change once set", (string?)status["message"]);
    }

    [Fact]
    public async Task Services_Get_Distinct_Cluster_Ips_A_Held_Ip_Is_Refused_And_A_Deleted_Services_Ip_Is_Free_Again()
    {
        // The allocator of pkg/registry/core/service/storage/alloc.go: an IP another Service holds is "already allocated";
        // deleting the Service releases it.
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, a) = await http.PostJsonAsync(Services, Service("a"));
        var (_, b) = await http.PostJsonAsync(Services, Service("b"));
        var ipA = (string)a["spec"]!["clusterIP"]!;
        var ipB = (string)b["spec"]!["clusterIP"]!;
        var wantsA = Service("c");
        wantsA["spec"]!["clusterIP"] = ipA;

        var (heldCode, held) = await http.PostJsonAsync(Services, wantsA);
        var (resendCode, resent) = await http.PutJsonAsync(Services + "/b", Service("b"));
        await http.DeleteJsonAsync(Services + "/a");
        var (freedCode, freed) = await http.PostJsonAsync(Services, wantsA);

        Assert.NotEqual(ipA, ipB);
        Assert.Equal(422, heldCode);
        Assert.Equal($"Service \"c\" is invalid: spec.clusterIPs: Invalid value: [\"{ipA}\"]: failed to allocate IP {ipA}: provided IP is already allocated", (string?)held["message"]);
        Assert.Equal((200, ipB), (resendCode, (string?)resent["spec"]!["clusterIP"]));
        Assert.Equal((201, ipA), (freedCode, (string?)freed["spec"]!["clusterIP"]));
    }

    [Fact]
    public async Task A_Config_Map_Over_One_Mebibyte_Is_Refused()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var big = KubeHttp.ConfigMap("big", data: new Dictionary<string, string> { ["a"] = new string('x', 1024 * 1024), ["b"] = "y" });
        var fits = KubeHttp.ConfigMap("fits", data: new Dictionary<string, string> { ["a"] = new string('x', 1024 * 1024) });

        var (code, status) = await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", big);
        var (fitsCode, _) = await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", fits);

        Assert.Equal(422, code);
        Assert.Equal("ConfigMap \"big\" is invalid: []: Too long: may not be more than 1048576 bytes", (string?)status["message"]);
        Assert.Equal(201, fitsCode);
    }

    [Fact]
    public async Task A_Secret_Over_One_Mebibyte_Is_Refused()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var secret = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "big" },
            ["data"] = new JsonObject { ["a"] = Convert.ToBase64String(new byte[(1024 * 1024) + 1]) },
        };

        var (code, status) = await http.PostJsonAsync("/api/v1/namespaces/default/secrets", secret);

        Assert.Equal(422, code);
        Assert.Equal("Secret \"big\" is invalid: data: Too long: may not be more than 1048576 bytes", (string?)status["message"]);
    }

    private static JsonObject Event(string eventTime, string note = "built") => new()
    {
        ["apiVersion"] = "events.k8s.io/v1",
        ["kind"] = "Event",
        ["metadata"] = new JsonObject { ["name"] = "e1" },
        ["eventTime"] = eventTime,
        ["reportingController"] = "tinyimage.dev/operator",
        ["reportingInstance"] = "op-1",
        ["action"] = "Build",
        ["reason"] = "Built",
        ["type"] = "Normal",
        ["note"] = note,
        ["regarding"] = new JsonObject { ["kind"] = "TinyImage", ["namespace"] = "default", ["name"] = "x" },
    };

    [Theory]
    [InlineData("2026-01-02T03:04:05.123456Z", 201)]
    [InlineData("2026-01-02T03:04:05.123456+02:00", 201)]
    [InlineData("2026-01-02T03:04:05.1234567Z", 400)]
    [InlineData("2026-01-02T03:04:05.123Z", 400)]
    [InlineData("2026-01-02T03:04:05Z", 400)]
    public async Task An_Event_Time_Needs_Exactly_Six_Fractional_Digits(string eventTime, int expected)
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, created) = await http.PostJsonAsync(Events, Event(eventTime));

        Assert.Equal(expected, code);
        if (code == 201)
        {
            Assert.Matches(@"^2026-01-02T0[13]:04:05\.123456Z$", (string?)created["eventTime"]);
        }
    }

    [Fact]
    public async Task An_Event_Note_Over_One_Kibibyte_In_Bytes_Is_Refused()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (okCode, _) = await http.PostJsonAsync(Events, Event("2026-01-02T03:04:05.000000Z", new string('x', 1024)));
        var body = Event("2026-01-02T03:04:05.000000Z", new string('é', 513));
        body["metadata"]!["name"] = "e2";
        var (code, status) = await http.PostJsonAsync(Events, body);

        Assert.Equal(201, okCode);
        Assert.Equal(422, code);
        Assert.Equal("Event.events.k8s.io \"e2\" is invalid: message: Invalid value: \"\": can have at most 1024 characters", (string?)status["message"]);
    }

    [Fact]
    public async Task An_Event_Without_Reporting_Controller_Action_And_Reason_Is_Refused()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var body = Event("2026-01-02T03:04:05.000000Z");
        body.Remove("reportingController");
        body.Remove("action");
        body["reason"] = new string('r', 129);

        var (code, status) = await http.PostJsonAsync(Events, body);

        Assert.Equal(422, code);
        var fields = status["details"]!["causes"]!.AsArray().Select(c => (string?)c!["field"]).ToList();
        Assert.Contains("reportingController", fields);
        Assert.Contains("action", fields);
        Assert.Contains("reason", fields);
    }

    [Fact]
    public async Task An_Immutable_Config_Map_Or_Secret_Keeps_Its_Data_And_Its_Flag_And_Can_Only_Be_Deleted()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (created, _) = await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", JsonNode.Parse("""{"metadata":{"name":"frozen"},"immutable":true,"data":{"k":"v1"}}""")!.AsObject());
        var (secretCreated, _) = await http.PostJsonAsync("/api/v1/namespaces/default/secrets", JsonNode.Parse("""{"metadata":{"name":"frozen"},"immutable":true,"data":{"k":"djE="}}""")!.AsObject());

        var (changed, changedStatus) = await http.PutJsonAsync("/api/v1/namespaces/default/configmaps/frozen", JsonNode.Parse("""{"metadata":{"name":"frozen"},"immutable":true,"data":{"k":"v2"}}""")!.AsObject());
        var (unfrozen, unfrozenStatus) = await http.PutJsonAsync("/api/v1/namespaces/default/configmaps/frozen", JsonNode.Parse("""{"metadata":{"name":"frozen"},"immutable":false,"data":{"k":"v1"}}""")!.AsObject());
        var (secretChanged, secretStatus) = await http.PatchJsonAsync("/api/v1/namespaces/default/secrets/frozen", JsonNode.Parse("""{"data":{"k":"djI="}}""")!);
        var (labelled, _) = await http.PatchJsonAsync("/api/v1/namespaces/default/configmaps/frozen", JsonNode.Parse("""{"metadata":{"labels":{"a":"b"}}}""")!);
        var (deleted, _) = await http.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/frozen");

        Assert.Equal((201, 201), (created, secretCreated));
        Assert.Equal(422, changed);
        Assert.Equal("ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set", (string?)changedStatus["message"]);
        Assert.Equal(422, unfrozen);
        Assert.Equal("ConfigMap \"frozen\" is invalid: immutable: Forbidden: field is immutable when `immutable` is set", (string?)unfrozenStatus["message"]);
        Assert.Equal(422, secretChanged);
        Assert.Equal("Secret \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set", (string?)secretStatus["message"]);
        Assert.Equal((200, 200), (labelled, deleted));
    }
}

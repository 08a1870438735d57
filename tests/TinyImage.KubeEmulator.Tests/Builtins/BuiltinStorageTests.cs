using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Builtins;

/// <summary>Built-in objects come back as kube-apiserver 1.35 stores them: defaulted and Go-round-tripped.</summary>
public sealed class BuiltinStorageTests
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";
    private const string Jobs = "/apis/batch/v1/namespaces/default/jobs";
    private const string Services = "/api/v1/namespaces/default/services";
    private const string Pods = "/api/v1/namespaces/default/pods";

    internal static JsonObject Deployment(string name, string image = "nginx") => JsonNode.Parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME"},
         "spec":{"selector":{"matchLabels":{"app":"NAME"}},
                 "template":{"metadata":{"labels":{"app":"NAME"}},
                             "spec":{"containers":[{"name":"app","image":"IMAGE","ports":[{"containerPort":3000}],
                                                    "env":[{"name":"EMPTY","value":""},{"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}],
                                                    "resources":{"limits":{}, "requests":{"cpu":"0.5","memory":"1024Mi"}}}],
                                     "volumes":[{"name":"scratch"},{"name":"cfg","configMap":{"name":"c"}}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("IMAGE", image, StringComparison.Ordinal))!.AsObject();

    internal static JsonObject Job(string name) => JsonNode.Parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"NAME"},
         "spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"kaniko","image":"gcr.io/kaniko-project/executor:v1.23.2"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal))!.AsObject();

    [Fact]
    public async Task A_Deployment_Is_Stored_With_The_Defaults_Of_Apps_V1_And_The_Pod_Template()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, d) = await http.PostJsonAsync(Deployments, Deployment("web"));

        Assert.Equal(201, code);
        var spec = d["spec"]!;
        Assert.Equal(1, (int?)spec["replicas"]);
        Assert.Equal("RollingUpdate", (string?)spec["strategy"]!["type"]);
        Assert.Equal("25%", (string?)spec["strategy"]!["rollingUpdate"]!["maxUnavailable"]);
        Assert.Equal("25%", (string?)spec["strategy"]!["rollingUpdate"]!["maxSurge"]);
        Assert.Equal(10, (int?)spec["revisionHistoryLimit"]);
        Assert.Equal(600, (int?)spec["progressDeadlineSeconds"]);
        var pod = spec["template"]!["spec"]!;
        Assert.Equal("Always", (string?)pod["restartPolicy"]);
        Assert.Equal("ClusterFirst", (string?)pod["dnsPolicy"]);
        Assert.Equal("default-scheduler", (string?)pod["schedulerName"]);
        Assert.Equal(30, (long?)pod["terminationGracePeriodSeconds"]);
        Assert.Equal("{}", pod["securityContext"]!.ToJsonString());
        Assert.Null(pod["enableServiceLinks"]);
        var c = pod["containers"]![0]!;
        Assert.Equal("Always", (string?)c["imagePullPolicy"]);
        Assert.Equal("/dev/termination-log", (string?)c["terminationMessagePath"]);
        Assert.Equal("File", (string?)c["terminationMessagePolicy"]);
        Assert.Equal("TCP", (string?)c["ports"]![0]!["protocol"]);
        Assert.Equal("""{"name":"EMPTY"}""", c["env"]![0]!.ToJsonString());
        Assert.Equal("v1", (string?)c["env"]![1]!["valueFrom"]!["fieldRef"]!["apiVersion"]);
        Assert.Equal("""{"requests":{"cpu":"500m","memory":"1Gi"}}""", c["resources"]!.ToJsonString());
        Assert.Equal("{}", pod["volumes"]![0]!["emptyDir"]!.ToJsonString());
        Assert.Equal(420, (int?)pod["volumes"]![1]!["configMap"]!["defaultMode"]);
        Assert.Equal("{}", d["status"]!.ToJsonString());
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.27", "IfNotPresent")]
    [InlineData("registry.local:5000/app:latest", "Always")]
    [InlineData("registry.local:5000/app", "Always")]
    [InlineData("registry.local:5000/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent")]
    [InlineData("registry.local:5000/app:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Always")]
    [InlineData("Not/A/Valid:Ref", "IfNotPresent")]
    public void The_Pull_Policy_Defaults_From_The_Tag_And_A_Digest_Counts_As_A_Tag(string image, string policy) =>
        Assert.Equal(policy, TinyImage.KubeEmulator.Builtins.Defaults.PullPolicy(image));

    [Fact]
    public async Task Unknown_Fields_Of_A_Builtin_Are_Dropped_And_Empty_Omitempty_Fields_Disappear()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var body = Deployment("web");
        body["spec"]!["bogus"] = "x";
        body["spec"]!["paused"] = false;
        body["spec"]!["minReadySeconds"] = 0;
        body["metadata"]!["labels"] = new JsonObject();
        body["metadata"]!["annotations"] = new JsonObject { ["a"] = "b" };

        var (code, d) = await http.PostJsonAsync(Deployments, body);

        Assert.Equal(201, code);
        Assert.False(d["spec"]!.AsObject().ContainsKey("bogus"));
        Assert.False(d["spec"]!.AsObject().ContainsKey("paused"));
        Assert.False(d["spec"]!.AsObject().ContainsKey("minReadySeconds"));
        Assert.False(d["metadata"]!.AsObject().ContainsKey("labels"));
        Assert.Equal("b", (string?)d["metadata"]!["annotations"]!["a"]);
    }

    [Fact]
    public async Task A_Field_Of_The_Wrong_Type_Is_Refused_With_400_As_The_Decoder_Refuses_It()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var body = Deployment("web");
        body["spec"]!["replicas"] = "two";

        var (code, status) = await http.PostJsonAsync(Deployments, body);

        Assert.Equal(400, code);
        Assert.StartsWith("Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field", (string?)status["message"]);
    }

    [Fact]
    public async Task Resending_A_Deployment_As_It_Was_Built_Is_A_No_Op_Write()
    {
        // Storage alone: no deployment controller writing status meanwhile (as envtest runs an API server).
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { WorkloadControllers = false });
        var http = kube.CreateHttpClient();
        var (_, created) = await http.PostJsonAsync(Deployments, Deployment("web"));
        var body = Deployment("web");
        body["metadata"]!["resourceVersion"] = created.Rv();

        var (code, updated) = await http.PutJsonAsync(Deployments + "/web", body);

        Assert.Equal(200, code);
        Assert.Equal(created.Rv(), updated.Rv());
        Assert.Equal(1, updated.Generation());
    }

    [Fact]
    public async Task A_Job_Gets_Its_Generated_Selector_Labels_And_Batch_Defaults()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, job) = await http.PostJsonAsync(Jobs, Job("build"));

        Assert.Equal(201, code);
        var uid = (string)job["metadata"]!["uid"]!;
        var spec = job["spec"]!;
        Assert.Equal(uid, (string?)spec["selector"]!["matchLabels"]!["batch.kubernetes.io/controller-uid"]);
        var labels = spec["template"]!["metadata"]!["labels"]!;
        Assert.Equal(uid, (string?)labels["controller-uid"]);
        Assert.Equal(uid, (string?)labels["batch.kubernetes.io/controller-uid"]);
        Assert.Equal("build", (string?)labels["job-name"]);
        Assert.Equal("build", (string?)labels["batch.kubernetes.io/job-name"]);
        Assert.Equal(6, (int?)spec["backoffLimit"]);
        Assert.Equal(1, (int?)spec["completions"]);
        Assert.Equal(1, (int?)spec["parallelism"]);
        Assert.Equal("NonIndexed", (string?)spec["completionMode"]);
        Assert.False((bool)spec["suspend"]!);
        Assert.False((bool)spec["manualSelector"]!);
        Assert.Equal("TerminatingOrFailed", (string?)spec["podReplacementPolicy"]);
        Assert.Equal("IfNotPresent", (string?)spec["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"]);
    }

    [Fact]
    public async Task A_Job_Without_A_Restart_Policy_Is_Refused_With_422()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var body = Job("build");
        body["spec"]!["template"]!["spec"]!.AsObject().Remove("restartPolicy");

        var (code, status) = await http.PostJsonAsync(Jobs, body);

        Assert.Equal(422, code);
        Assert.Equal("Job.batch \"build\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"", (string?)status["message"]);
    }

    [Fact]
    public async Task A_Job_Name_Longer_Than_A_Label_Value_Is_Refused_Because_Of_Its_Job_Name_Labels()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var name = new string('a', 64);

        var (code, status) = await http.PostJsonAsync(Jobs, Job(name));

        Assert.Equal(422, code);
        Assert.Contains($"spec.template.labels: Invalid value: \"{name}\": must be no more than 63 bytes", (string?)status["message"]);
    }

    [Fact]
    public async Task A_Pod_Gets_Requests_From_Limits_And_Service_Links()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var pod = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
             "spec":{"containers":[{"name":"c","image":"busybox:1.36","resources":{"limits":{"cpu":"1000m","memory":"128Mi"},"requests":{"cpu":"100m"}}}]}}
            """)!.AsObject();

        var (code, created) = await http.PostJsonAsync(Pods, pod);

        Assert.Equal(201, code);
        Assert.Equal("""{"limits":{"cpu":"1","memory":"128Mi"},"requests":{"cpu":"100m","memory":"128Mi"}}""", created["spec"]!["containers"]![0]!["resources"]!.ToJsonString());
        Assert.True((bool)created["spec"]!["enableServiceLinks"]!);
        Assert.Equal("Burstable", (string?)created["status"]!["qosClass"]);
    }

    [Theory]
    [InlineData("""{}""", "BestEffort")]
    [InlineData("""{"limits":{"cpu":"1","memory":"64Mi"}}""", "Guaranteed")]
    [InlineData("""{"limits":{"cpu":"1","memory":"64Mi"},"requests":{"cpu":"500m"}}""", "Burstable")]
    [InlineData("""{"requests":{"memory":"64Mi"}}""", "Burstable")]
    public async Task A_New_Pod_Gets_Its_Qos_Class(string resources, string qos)
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var pod = JsonNode.Parse("""{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox:1.36"}]}}""")!.AsObject();
        pod["spec"]!["containers"]![0]!["resources"] = JsonNode.Parse(resources);

        var (_, created) = await http.PostJsonAsync(Pods, pod);

        Assert.Equal(qos, (string?)created["status"]!["qosClass"]);
    }

    [Fact]
    public async Task A_Service_Gets_A_Cluster_Ip_And_The_Core_V1_Defaults()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var svc = JsonNode.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"port":3000}]}}""")!.AsObject();

        var (code, created) = await http.PostJsonAsync(Services, svc);

        Assert.Equal(201, code);
        var spec = created["spec"]!;
        var ip = (string)spec["clusterIP"]!;
        Assert.StartsWith("10.96.", ip);
        Assert.Equal($"[\"{ip}\"]", spec["clusterIPs"]!.ToJsonString());
        Assert.Equal("ClusterIP", (string?)spec["type"]);
        Assert.Equal("None", (string?)spec["sessionAffinity"]);
        Assert.Equal("""["IPv4"]""", spec["ipFamilies"]!.ToJsonString());
        Assert.Equal("SingleStack", (string?)spec["ipFamilyPolicy"]);
        Assert.Equal("Cluster", (string?)spec["internalTrafficPolicy"]);
        Assert.Equal("""[{"protocol":"TCP","port":3000,"targetPort":3000}]""", spec["ports"]!.ToJsonString());
        Assert.Equal("""{"loadBalancer":{}}""", created["status"]!.ToJsonString());

        var (_, second) = await http.PostJsonAsync(Services, JsonNode.Parse("""{"metadata":{"name":"other"},"spec":{"ports":[{"port":80}]}}""")!.AsObject());
        Assert.NotEqual(ip, (string?)second["spec"]!["clusterIP"]);
    }

    [Fact]
    public async Task A_Secrets_String_Data_Is_Stored_As_Data_And_Its_Type_Defaults_To_Opaque()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var secret = JsonNode.Parse("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"token":"abc"}}""")!.AsObject();

        var (code, created) = await http.PostJsonAsync("/api/v1/namespaces/default/secrets", secret);

        Assert.Equal(201, code);
        Assert.Equal("YWJj", (string?)created["data"]!["token"]);
        Assert.Null(created["stringData"]);
        Assert.Equal("Opaque", (string?)created["type"]);
    }
    [Fact]
    public async Task A_Time_Is_Stored_In_Utc_Without_Fractional_Seconds()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var ev = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"e"},"involvedObject":{"kind":"Pod","namespace":"default","name":"p"},
             "reason":"Started","message":"m","firstTimestamp":"2026-01-02T03:04:05.999+02:00","count":1}
            """)!.AsObject();

        var (code, created) = await http.PostJsonAsync("/api/v1/namespaces/default/events", ev);

        Assert.Equal(201, code);
        Assert.Equal("2026-01-02T01:04:05Z", (string?)created["firstTimestamp"]);
        Assert.True(created.ContainsKey("lastTimestamp"));
        Assert.Null(created["lastTimestamp"]);
    }

    [Theory]
    [InlineData("2026-01-02T03:04:05Z", false, true)]
    [InlineData("2024-02-29T23:59:59Z", false, true)]
    [InlineData("2026-01-02T03:04:05.123456Z", true, true)]
    [InlineData("2026-01-02T03:04:05.123Z", false, false)]
    [InlineData("2026-01-02T03:04:05+00:00", false, false)]
    [InlineData("2026-02-29T00:00:00Z", false, false)]
    [InlineData("2026-13-01T00:00:00Z", false, false)]
    [InlineData("2026-01-01T24:00:00Z", false, false)]
    [InlineData("2026-01-01T00:60:00Z", false, false)]
    [InlineData("2026-01-01T00:00:60Z", false, false)]
    [InlineData("0000-01-01T00:00:00Z", false, false)]
    [InlineData("2026-01-0\u0663T00:00:00Z", false, false)]
    [InlineData("2026-01-02T03:04:05Z", true, false)]
    [InlineData("2026-01-02T03:04:05.123456Z", false, false)]
    public void Only_A_Valid_Time_As_Encoding_Json_Writes_It_Skips_The_Parse(string text, bool micro, bool canonical) =>
        Assert.Equal(canonical, KubeEmulator.Builtins.GoJson.IsCanonicalTime(System.Text.RegularExpressions.Regex.Unescape(text), micro));

    [Fact]
    public async Task A_Time_Already_In_Canonical_Form_Is_Kept_And_An_Impossible_Date_Is_Still_Refused()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        JsonObject Event(string name, string first) => JsonNode.Parse($$"""
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"{{name}}"},"involvedObject":{"kind":"Pod","namespace":"default","name":"p"},
             "reason":"Started","message":"m","firstTimestamp":"{{first}}","count":1}
            """)!.AsObject();

        var (code, created) = await http.PostJsonAsync("/api/v1/namespaces/default/events", Event("e", "2024-02-29T23:59:59Z"));
        var (badCode, bad) = await http.PostJsonAsync("/api/v1/namespaces/default/events", Event("f", "2026-02-29T00:00:00Z"));

        Assert.Equal(201, code);
        Assert.Equal("2024-02-29T23:59:59Z", (string?)created["firstTimestamp"]);
        Assert.Equal(400, badCode);
        Assert.Contains("value out of range", (string?)bad["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Status_Write_Is_Round_Tripped_Too()
    {
        // Storage alone: no deployment controller writing status meanwhile (as envtest runs an API server).
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { WorkloadControllers = false });
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Deployments, Deployment("web"));
        var status = JsonNode.Parse("""{"status":{"replicas":1,"readyReplicas":0,"bogus":true}}""")!;
        var bad = JsonNode.Parse("""{"status":{"replicas":"one"}}""")!;

        var (code, patched) = await http.PatchJsonAsync(Deployments + "/web/status", status);
        var (badCode, _) = await http.PatchJsonAsync(Deployments + "/web/status", bad);

        Assert.Equal(200, code);
        Assert.Equal("""{"replicas":1}""", patched["status"]!.ToJsonString());
        Assert.Equal(400, badCode);
    }

    [Fact]
    public void The_Go_Round_Trip_Is_Done_In_Place_Keeping_The_Nodes_It_Writes_Unchanged()
    {
        // Fields out of Go's order, an unknown field, unsorted map keys, a quantity and a time to rewrite, a number, a null.
        var input = JsonNode.Parse("""
            {"spec":{"template":{"spec":{"containers":[{"image":"nginx","name":"app","bogus":1,
                                                        "resources":{"requests":{"memory":"1024Mi","cpu":"0.5"}}}]}},
                     "replicas":2,"paused":true,"selector":null},
             "metadata":{"name":"web","labels":{"b":"2","a":"1"},"creationTimestamp":"2024-01-02T03:04:05+01:00",
                         "deletionTimestamp":"2024-01-02T03:04:05Z"},
             "kind":"Deployment","apiVersion":"apps/v1"}
            """)!.AsObject();
        var spec = input["spec"]!;
        var container = spec["template"]!["spec"]!["containers"]![0]!.AsObject();
        var image = container["image"]!;
        var labelA = input["metadata"]!["labels"]!["a"]!;
        var paused = spec["paused"]!;
        var deleted = input["metadata"]!["deletionTimestamp"]!;
        var memory = container["resources"]!["requests"]!["memory"]!;
        var replicas = spec["replicas"]!;
        var type = KubeEmulator.Builtins.GoType.Struct("apps.Deployment");

        var output = KubeEmulator.Builtins.GoJson.RoundTrip(input, type);

        // What encoding/json writes (unchanged by doing it in place) ...
        const string Written = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","creationTimestamp":"2024-01-02T02:04:05Z",
            "deletionTimestamp":"2024-01-02T03:04:05Z","labels":{"a":"1","b":"2"}},"spec":{"replicas":2,"selector":null,
            "template":{"metadata":{},"spec":{"containers":[{"name":"app","image":"nginx",
            "resources":{"requests":{"cpu":"500m","memory":"1Gi"}}}]}},"strategy":{},"paused":true},"status":{}}
            """;
        Assert.Equal(Written.ReplaceLineEndings(""), output.ToJsonString());

        // ... from the input's own nodes where the value is written as it came; only a changed value is a new node.
        Assert.Same(input, output);
        Assert.Same(spec, output["spec"]);
        Assert.Same(container, output["spec"]!["template"]!["spec"]!["containers"]![0]);
        Assert.Same(image, container["image"]);
        Assert.Same(labelA, output["metadata"]!["labels"]!["a"]);
        Assert.Same(paused, output["spec"]!["paused"]);
        Assert.Same(deleted, output["metadata"]!["deletionTimestamp"]);
        Assert.NotSame(memory, container["resources"]!["requests"]!["memory"]);
        Assert.NotSame(replicas, output["spec"]!["replicas"]); // parsed text (could be -0 or 1e0): written anew as an integer

        // Its own output decodes to itself, every node kept (an integer now too).
        var decodedReplicas = output["spec"]!["replicas"];
        var again = KubeEmulator.Builtins.GoJson.RoundTrip(output, type);
        Assert.Same(output, again);
        Assert.Same(decodedReplicas, again["spec"]!["replicas"]);
        Assert.Same(container["resources"]!["requests"]!["memory"], again["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["requests"]!["memory"]);
    }

    [Fact]
    public async Task A_Status_Write_Stores_The_Stored_Spec_And_Metadata_As_Stored_However_The_Body_Spells_Them()
    {
        // The status strategy takes spec and metadata from the stored object (PrepareForUpdate): a body whose spec spells a
        // number another way (1.0 for 1) or lists metadata in another order changes neither the stored bytes nor anything else.
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { WorkloadControllers = false });
        var http = kube.CreateHttpClient();
        var (_, created) = await http.PostJsonAsync(Deployments, Deployment("web"));
        var storedSpec = created["spec"]!.ToJsonString();
        var storedMeta = created["metadata"]!.ToJsonString();
        var body = JsonNode.Parse(created.ToJsonString().Replace("\"replicas\":1,", "\"replicas\":1.0,", StringComparison.Ordinal))!.AsObject();
        Assert.Contains("\"replicas\":1.0", body["spec"]!.ToJsonString(), StringComparison.Ordinal);
        var meta = body["metadata"]!.AsObject();
        var reordered = new JsonObject();
        foreach (var key in meta.Select(p => p.Key).Reverse().ToList())
        {
            var value = meta[key];
            meta.Remove(key);
            reordered[key] = value;
        }

        body["metadata"] = reordered;
        body["status"] = new JsonObject { ["observedGeneration"] = 1, ["replicas"] = 1 };

        var (code, written) = await http.PutJsonAsync(Deployments + "/web/status", body);
        var (_, read) = await http.GetJsonAsync(Deployments + "/web");

        Assert.Equal(200, code);
        Assert.Equal(1, (int?)read["status"]!["replicas"]);
        Assert.Equal(storedSpec, read["spec"]!.ToJsonString());
        // The stored metadata but its resourceVersion, set in its place (not a text replacement of its digits, which can also
        // stand in the uid or the creationTimestamp).
        var expectedMeta = JsonNode.Parse(storedMeta)!.AsObject();
        expectedMeta["resourceVersion"] = (string)read["metadata"]!["resourceVersion"]!;
        Assert.Equal(expectedMeta.ToJsonString(), read["metadata"]!.ToJsonString());
        Assert.Equal(read.ToJsonString(), written.ToJsonString());
    }
}

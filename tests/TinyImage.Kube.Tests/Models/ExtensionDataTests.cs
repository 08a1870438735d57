using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Xunit;

namespace TinyImage.Kube.Tests.Models;

/// <summary>
/// The operator's own models (src/TinyImage.Kube/Models) declare only what the operator reads and writes; everything
/// else the API server sends is kept in their <c>[JsonExtensionData]</c> members, so an object read, changed and
/// written back loses nothing, while the informers' skipping readers still skip what their caches drop.
/// </summary>
public sealed class ExtensionDataTests
{
    // A Deployment as kube-apiserver returns it: defaulted members the model does not declare at every level (strategy,
    // DNS policy, affinity, a hostPath volume, a container's lifecycle and exec probe, a pod annotation), and a status.
    private const string DeploymentJson = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"hello","namespace":"demo","uid":"u1","resourceVersion":"7","generation":2,"labels":{"app":"hello"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"hello"}},
           "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
           "revisionHistoryLimit":10,"progressDeadlineSeconds":600,
           "template":{"metadata":{"labels":{"app":"hello"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-01-01T00:00:00Z"}},
             "spec":{"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","schedulerName":"default-scheduler",
               "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"pool","operator":"In","values":["a"]}]}]}}},
               "securityContext":{"runAsNonRoot":true,"sysctls":[{"name":"net.ipv4.ip_local_port_range","value":"1024 65535"}]},
               "volumes":[{"name":"host","hostPath":{"path":"/var/run","type":""}},{"name":"info","downwardAPI":{"items":[{"path":"labels","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.labels"}}],"defaultMode":420}}],
               "containers":[{"name":"app","image":"r/hello@sha256:00","imagePullPolicy":"IfNotPresent",
                 "lifecycle":{"preStop":{"sleep":{"seconds":5}}},
                 "startupProbe":{"exec":{"command":["/bin/true"]},"periodSeconds":1},
                 "readinessProbe":{"tcpSocket":{"port":"http"},"periodSeconds":5,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3,"terminationGracePeriodSeconds":9},
                 "resources":{"limits":{"memory":"64Mi"},"claims":[{"name":"gpu"}]},
                 "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
                 "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}]}}},
         "status":{"observedGeneration":2,"replicas":2,"updatedReplicas":2,"readyReplicas":2,"availableReplicas":2,
           "conditions":[{"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable","message":"done"}]}}
        """;

    [Fact]
    public void A_Deployment_Read_And_Written_Back_Keeps_Every_Member_The_Model_Does_Not_Declare()
    {
        var deployment = JsonSerializer.Deserialize(DeploymentJson, KubeJsonContext.Default.V1Deployment)!;

        Assert.True(deployment.Spec.ExtensionData!.ContainsKey("strategy"));
        Assert.True(deployment.Spec.Template.Spec.ExtensionData!.ContainsKey("affinity"));
        Assert.True(deployment.Spec.Template.Spec.Volumes[0].ExtensionData!.ContainsKey("hostPath"));
        Assert.Equal("metadata.labels", deployment.Spec.Template.Spec.Volumes[1].DownwardAPI.Items[0].FieldRef.FieldPath);
        Assert.Equal(JsonNode.Parse(DeploymentJson)!.ToJsonString(), Sorted(JsonSerializer.Serialize(deployment, KubeJsonContext.Default.V1Deployment), DeploymentJson));
    }

    [Fact]
    public void A_Read_Modify_Write_Changes_Only_What_It_Sets()
    {
        var deployment = JsonSerializer.Deserialize(DeploymentJson, KubeJsonContext.Default.V1Deployment)!;
        deployment.Spec.Template.Spec.Containers[0].Image = "r/hello@sha256:11";
        deployment.Metadata.Labels["extra"] = "1";

        var expected = JsonNode.Parse(DeploymentJson)!;
        expected["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "r/hello@sha256:11";
        expected["metadata"]!["labels"]!["extra"] = "1";
        Assert.Equal(expected.ToJsonString(), Sorted(JsonSerializer.Serialize(deployment, KubeJsonContext.Default.V1Deployment), expected.ToJsonString()));
    }

    [Fact]
    public void A_Service_Keeps_Its_Status_And_The_Addresses_The_Server_Allocated()
    {
        const string json = """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"hello","namespace":"demo"},
             "spec":{"type":"LoadBalancer","selector":{"app":"hello"},"clusterIP":"10.0.0.7","clusterIPs":["10.0.0.7"],"ipFamilies":["IPv4"],
               "ipFamilyPolicy":"SingleStack","sessionAffinity":"None","externalTrafficPolicy":"Local","healthCheckNodePort":31000,
               "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":"http","nodePort":30080,"appProtocol":"http"}]},
             "status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.9","ipMode":"VIP"}]}}}
            """;

        var service = JsonSerializer.Deserialize(json, KubeJsonContext.Default.V1Service)!;

        Assert.True(service.ExtensionData!.ContainsKey("status"));
        Assert.Equal(30080, service.Spec.Ports[0].NodePort);
        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), Sorted(JsonSerializer.Serialize(service, KubeJsonContext.Default.V1Service), json));
    }

    [Fact]
    public void A_Skipping_Reader_Skips_What_It_Leaves_Out_Instead_Of_Collecting_It_As_Extension_Data()
    {
        var info = SkippingJson.ItemInfo<V1Deployment>(new Dictionary<Type, Func<string, bool>>
        {
            [typeof(V1DeploymentSpec)] = property => property is "replicas" or "template",
            [typeof(V1PodTemplateSpec)] = property => property == "spec",
            [typeof(V1PodSpec)] = property => property == "containers",
            [typeof(V1Container)] = property => property is "name" or "image",
        });

        var deployment = JsonSerializer.Deserialize(DeploymentJson, info)!;

        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Null(deployment.Spec.Selector);
        Assert.Null(deployment.Spec.ExtensionData); // strategy, revisionHistoryLimit, progressDeadlineSeconds skipped
        Assert.Null(deployment.Spec.Template.Metadata);
        Assert.Null(deployment.Spec.Template.ExtensionData);
        Assert.Null(deployment.Spec.Template.Spec.ExtensionData); // affinity, dnsPolicy, ... skipped
        Assert.Null(deployment.Spec.Template.Spec.Volumes);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal(("app", "r/hello@sha256:00"), (container.Name, container.Image));
        Assert.Null(container.ExtensionData);
        Assert.Null(container.Ports);
        Assert.NotNull(deployment.Status); // a type the reader does not name is read in full
    }

    [Fact]
    public void A_Skipping_Reader_Of_Jobs_Without_Their_Spec_Does_Not_Collect_The_Spec()
    {
        const string json = """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"b","namespace":"demo","managedFields":[{"manager":"kube-controller-manager"}]},
             "spec":{"backoffLimit":0,"completionMode":"NonIndexed","template":{"spec":{"containers":[{"name":"kaniko","image":"k"}]}}},
             "status":{"active":1,"ready":0,"uncountedTerminatedPods":{}}}
            """;
        var info = SkippingJson.ItemInfo<V1Job>(new Dictionary<Type, Func<string, bool>> { [typeof(V1Job)] = property => property != "spec" });

        var job = JsonSerializer.Deserialize(json, info)!;

        Assert.Null(job.Spec);
        Assert.Null(job.ExtensionData);
        Assert.Null(job.Metadata.ManagedFields);
        Assert.Equal(1, job.Status.Active);
        Assert.NotNull(JsonSerializer.Deserialize(json, KubeJsonContext.Default.V1Job)!.Spec.ExtensionData); // read in full, completionMode is kept
    }

    [Fact]
    public void A_NetworkPolicy_Spec_Keeps_An_Ingress_Rule_Added_By_Hand_So_A_Comparison_With_The_Wanted_Spec_Sees_It()
    {
        const string wanted = """{"egress":[{"ports":[{"port":443,"protocol":"TCP"}]}],"podSelector":{"matchLabels":{"a":"b"}},"policyTypes":["Ingress","Egress"]}""";
        var actual = JsonSerializer.Deserialize("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"hello-build","namespace":"demo"},
             "spec":{"podSelector":{"matchLabels":{"a":"b"}},"policyTypes":["Ingress","Egress"],"egress":[{"ports":[{"protocol":"TCP","port":443}]}],
               "ingress":[{"from":[{"podSelector":{}}]}]}}
            """, KubeJsonContext.Default.V1NetworkPolicy)!;

        Assert.True(actual.Spec.ExtensionData!.ContainsKey("ingress"));
        Assert.Equal(wanted, JsonSerializer.Serialize(JsonSerializer.Deserialize(wanted, KubeJsonContext.Default.V1NetworkPolicySpec)!, KubeJsonContext.Default.V1NetworkPolicySpec));
        Assert.NotEqual(wanted, JsonSerializer.Serialize(actual.Spec, KubeJsonContext.Default.V1NetworkPolicySpec));
        actual.Spec.ExtensionData = null;
        Assert.Equal(wanted, JsonSerializer.Serialize(actual.Spec, KubeJsonContext.Default.V1NetworkPolicySpec));
    }

    [Fact]
    public void A_Core_Event_Reads_What_The_Build_Diagnosis_Needs_And_Skips_The_Rest()
    {
        var list = JsonSerializer.Deserialize("""
            {"kind":"EventList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[
             {"metadata":{"name":"b.1","namespace":"demo","creationTimestamp":"2026-01-01T00:00:00Z"},
              "involvedObject":{"kind":"Job","namespace":"demo","name":"b","uid":"u","apiVersion":"batch/v1","resourceVersion":"3"},
              "reason":"FailedCreate","message":"Error creating: pods \"b-x\" is forbidden: exceeded quota","source":{"component":"job-controller"},
              "firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:00:05Z","count":3,"type":"Warning",
              "eventTime":null,"series":{"count":2,"lastObservedTime":"2026-01-01T00:00:05.123456Z"},"reportingComponent":"job-controller","reportingInstance":""}]}
            """, KubeJsonContext.Default.Corev1EventList)!;

        var e = Assert.Single(list.Items);
        Assert.Equal(("FailedCreate", "Warning", 3, "b"), (e.Reason, e.Type, e.Count, e.InvolvedObject.Name));
        Assert.StartsWith("Error creating", e.Message, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 5, DateTimeKind.Utc), e.LastTimestamp);
        Assert.Equal("9", list.Metadata.ResourceVersion);
        Assert.Throws<NotSupportedException>(() => KubeJsonContext.Default.Options.GetTypeInfo(typeof(Corev1EventSeries))); // KubernetesClient's core Event series: no longer linked
    }

    /// <summary><paramref name="json"/> re-read with its members in the order of <paramref name="order"/>'s (the models write theirs alphabetically).</summary>
    private static string Sorted(string json, string order) => Reorder(JsonNode.Parse(json), JsonNode.Parse(order))!.ToJsonString();

    private static JsonNode? Reorder(JsonNode? node, JsonNode? order)
    {
        switch (node, order)
        {
            case (JsonObject o, JsonObject template):
                var result = new JsonObject();
                foreach (var key in template.Select(kv => kv.Key).Where(o.ContainsKey).Concat(o.Select(kv => kv.Key).Where(k => !template.ContainsKey(k))).ToList())
                {
                    result[key] = Reorder(o[key]?.DeepClone(), template[key]);
                }

                return result;
            case (JsonArray a, JsonArray template):
                return new JsonArray([.. a.Select((item, i) => Reorder(item?.DeepClone(), i < template.Count ? template[i] : null))]);
            default:
                return node?.DeepClone();
        }
    }
}

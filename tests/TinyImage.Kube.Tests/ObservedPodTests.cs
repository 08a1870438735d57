using System.Text.Json;
using k8s.Models;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>Pods are read as <see cref="ObservedPod"/>: what a controller reads of a Pod, from the API server's full JSON.</summary>
public sealed class ObservedPodTests
{
    // A Pod as kube-apiserver v1.35 returns it, trimmed of nothing the reader must skip: spec, volumes, resources,
    // allocatedResources, user, volumeMounts, resource claims and the running state are members ObservedPod does not declare.
    private const string PodJson = """
        {"kind":"Pod","apiVersion":"v1",
         "metadata":{"name":"b-1","namespace":"demo","uid":"u-1","resourceVersion":"42","creationTimestamp":"2026-12-02T10:00:00Z",
                     "labels":{"batch.kubernetes.io/controller-uid":"j-1"},
                     "ownerReferences":[{"apiVersion":"batch/v1","kind":"Job","name":"b","uid":"j-1","controller":true}]},
         "spec":{"volumes":[{"name":"ctx","configMap":{"name":"b-build","items":[{"key":"Containerfile","path":"Containerfile"}]}}],
                 "containers":[{"name":"kaniko","image":"gcr.io/kaniko-project/executor:v1.23.2","resources":{"limits":{"memory":"2Gi"}},
                                "volumeMounts":[{"name":"ctx","mountPath":"/workspace"}],"securityContext":{"runAsUser":0}}],
                 "restartPolicy":"Never","affinity":{"nodeAffinity":{}},"resourceClaims":[{"name":"gpu"}]},
         "status":{"phase":"Failed","reason":"Evicted","message":"The node was low on resource: memory.",
                   "conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"0/3 nodes are available","lastTransitionTime":"2026-12-02T10:00:01Z"}],
                   "hostIPs":[{"ip":"10.0.0.1"}],"podIPs":[{"ip":"10.1.0.5"}],"qosClass":"Burstable",
                   "initContainerStatuses":[{"name":"fetch","image":"alpine","imageID":"","ready":false,"restartCount":0,
                                             "state":{"waiting":{"reason":"ErrImagePull","message":"pull access denied"}}}],
                   "containerStatuses":[{"name":"kaniko","image":"gcr.io/kaniko-project/executor:v1.23.2","imageID":"sha256:1","ready":false,"restartCount":1,
                                         "state":{"terminated":{"exitCode":0,"reason":"Completed","message":"sha256:abc\n","startedAt":"2026-12-02T10:00:02Z","finishedAt":"2026-12-02T10:00:09Z"}},
                                         "lastState":{"terminated":{"exitCode":137,"reason":"OOMKilled"}},
                                         "allocatedResources":{"memory":"2Gi"},"resources":{"limits":{"memory":"2Gi"}},
                                         "user":{"linux":{"uid":0,"gid":0}},"volumeMounts":[{"name":"ctx","mountPath":"/workspace"}],
                                         "allocatedResourcesStatus":[{"name":"claim:gpu","resources":[{"resourceID":"r","health":"Healthy"}]}]},
                                        {"name":"sidecar","image":"s","imageID":"","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2026-12-02T10:00:02Z"}}}]}}
        """;

    [Fact]
    public void A_Pod_From_The_Api_Server_Reads_As_Its_Metadata_And_Container_States()
    {
        var pod = JsonSerializer.Deserialize(PodJson, KubeJsonContext.Default.ObservedPod)!;

        Assert.Equal(("b-1", "demo", "j-1"), (pod.Metadata.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Labels["batch.kubernetes.io/controller-uid"]));
        Assert.Equal(new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc), pod.Metadata.CreationTimestamp);
        var status = pod.Status!;
        Assert.Equal(("Failed", "Evicted", "The node was low on resource: memory."), (status.Phase, status.Reason, status.Message));
        var scheduled = Assert.Single(status.Conditions!);
        Assert.Equal(("PodScheduled", "False", "Unschedulable", "0/3 nodes are available"), (scheduled.Type, scheduled.Status, scheduled.Reason, scheduled.Message));
        var init = Assert.Single(status.InitContainerStatuses!);
        Assert.Equal(("fetch", "alpine", "ErrImagePull", "pull access denied"), (init.Name, init.Image, init.State!.Waiting!.Reason, init.State.Waiting.Message));
        Assert.Equal(2, status.ContainerStatuses!.Count);
        var kaniko = status.ContainerStatuses[0];
        Assert.Equal(("kaniko", 0, "Completed", "sha256:abc\n"), (kaniko.Name, kaniko.State!.Terminated!.ExitCode, kaniko.State.Terminated.Reason, kaniko.State.Terminated.Message));
        Assert.Equal((137, "OOMKilled"), (kaniko.LastState!.Terminated!.ExitCode, kaniko.LastState.Terminated.Reason));
        var sidecar = status.ContainerStatuses[1];
        Assert.Equal("sidecar", sidecar.Name);
        Assert.Null(sidecar.State!.Terminated);
        Assert.Null(sidecar.State.Waiting);
    }

    [Fact]
    public void A_Pod_List_Reads_Its_Items_And_ResourceVersion()
    {
        var list = JsonSerializer.Deserialize("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"77"},"items":[""" + PodJson + "]}", KubeJsonContext.Default.ObservedPodList)!;

        Assert.Equal("77", list.Metadata.ResourceVersion);
        Assert.Equal("b-1", Assert.Single(list.Items).Metadata.Name);
    }

    [Fact]
    public void The_Runtime_Reads_Pods_Without_KubernetesClients_Pod_Model()
    {
        // V1Pod's status reaches about 40 model types, each with JSON metadata and generic instantiations in the NativeAOT
        // binary; the runtime never writes a Pod, so it reads the members it uses and skips the rest.
        Assert.Equal(typeof(ObservedPod), ResourceTypes.Pods.ItemInfo.Type);
        Assert.Throws<NotSupportedException>(() => KubeJsonContext.Default.Options.GetTypeInfo(typeof(V1Pod)));
        Assert.Throws<NotSupportedException>(() => KubeJsonContext.Default.Options.GetTypeInfo(typeof(V1PodStatus)));
        Assert.Throws<NotSupportedException>(() => KubeJsonContext.Default.Options.GetTypeInfo(typeof(V1ContainerStatus)));
    }
}

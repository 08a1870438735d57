using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>The owned kinds' watch events are read without what the cache form drops, into the same cached form.</summary>
public sealed class CachedFormEventsTests
{
    [Fact]
    public void A_Deployment_Event_Is_Read_Without_The_Pod_Template_Into_The_Same_Cached_Form()
    {
        var json = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"hello","namespace":"demo","resourceVersion":"7","generation":2,
             "managedFields":[{"manager":"kubectl","operation":"Update"}],"annotations":{"tinyimage.dev/spec-sha256":"sha256:1"}},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"hello"}},"template":{"metadata":{"labels":{"app":"hello"}},
              "spec":{"containers":[{"name":"app","image":"registry/app@sha256:1","command":["/bin/hello"],"ports":[{"containerPort":8080}],
               "env":[{"name":"A","value":"b"}]}],"securityContext":{"runAsNonRoot":true}}}},
             "status":{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"readyReplicas":2,"availableReplicas":2,
              "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"},{"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable"}]}}
            """;

        var read = JsonSerializer.Deserialize(json, CachedForm.DeploymentEvents)!;

        Assert.Null(read.Metadata.ManagedFields);
        Assert.Null(read.Spec.Selector);
        Assert.Null(read.Spec.Template.Metadata);
        Assert.Null(read.Spec.Template.Spec.SecurityContext);
        Assert.Equal((null, null, null), (read.Spec.Template.Spec.Containers[0].Command, read.Spec.Template.Spec.Containers[0].Ports, read.Spec.Template.Spec.Containers[0].Env));
        Assert.Equal(Cached(json, KubeJsonContext.Default.V1Deployment, CachedForm.Deployment), Cached(json, CachedForm.DeploymentEvents, CachedForm.Deployment));
    }

    [Fact]
    public void A_Job_Event_Is_Read_Without_Its_Spec_Into_The_Same_Cached_Form()
    {
        var json = """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"hello-build-1","namespace":"demo","resourceVersion":"9","annotations":{"tinyimage.dev/retry":"1"}},
             "spec":{"backoffLimit":0,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"kaniko","image":"kaniko","args":["--destination=x"]}]}}},
             "status":{"conditions":[{"type":"Complete","status":"True"}],"succeeded":1}}
            """;

        Assert.Null(JsonSerializer.Deserialize(json, CachedForm.JobEvents)!.Spec);
        Assert.Equal(Cached(json, KubeJsonContext.Default.V1Job, CachedForm.Job), Cached(json, CachedForm.JobEvents, CachedForm.Job));
    }

    [Fact]
    public void A_ConfigMap_Event_Is_Read_Without_Its_Data_Into_The_Same_Cached_Form()
    {
        var json = """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"hello-sbom","namespace":"demo","resourceVersion":"11","annotations":{"tinyimage.dev/data-sha256":"sha256:2"}},
             "data":{"sbom.json":"{\"bomFormat\":\"CycloneDX\"}"},"binaryData":{"x":"AAEC"}}
            """;

        var read = JsonSerializer.Deserialize(json, CachedForm.ConfigMapEvents)!;

        Assert.Equal((null, null), (read.Data, read.BinaryData));
        Assert.Equal(Cached(json, KubeJsonContext.Default.V1ConfigMap, CachedForm.ConfigMap), Cached(json, CachedForm.ConfigMapEvents, CachedForm.ConfigMap));
    }

    [Fact]
    public void A_Service_Event_Is_Read_In_Full_But_Its_Managed_Fields()
    {
        var json = """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"hello","namespace":"demo","managedFields":[{"manager":"kubectl"}]},
             "spec":{"selector":{"app":"hello"},"ports":[{"port":3000,"targetPort":3000}]}}
            """;

        var read = JsonSerializer.Deserialize(json, CachedForm.ServiceEvents)!;

        Assert.Null(read.Metadata.ManagedFields);
        Assert.Equal(3000, Assert.Single(read.Spec.Ports).Port);
        Assert.Equal("hello", read.Spec.Selector["app"]);
    }

    /// <summary>The object read with <paramref name="info"/>, in the cache's form (managed fields dropped, then the form), as JSON.</summary>
    private static string Cached<T>(string json, JsonTypeInfo<T> info, Func<T, T> form)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta>
    {
        var value = new ResourceCache<T>(form).Shape(JsonSerializer.Deserialize(json, info)!);
        return JsonSerializer.Serialize(value, KubeJsonContext.Default.Options.GetTypeInfo(typeof(T)));
    }
}

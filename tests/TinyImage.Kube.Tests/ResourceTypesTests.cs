using System.Text;
using k8s.Models;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>Only the kinds the program lists carry list metadata; each list type costs the NativeAOT binary its JSON metadata and generic instantiations.</summary>
public sealed class ResourceTypesTests
{
    [Fact]
    public void The_Listed_Kinds_Read_Their_Lists()
    {
        var list = ResourceTypes.ConfigMaps.ReadList(new MemoryStream(Encoding.UTF8.GetBytes("""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"a"}}]}""")));

        Assert.Equal(("9", "a"), (list.ResourceVersion, Assert.Single(list.Items).Metadata.Name));
        foreach (var type in new[] { typeof(V1ConfigMapList), typeof(V1JobList), typeof(V1DeploymentList), typeof(V1ServiceList), typeof(ObservedPodList), typeof(Corev1EventList) })
        {
            Assert.NotNull(KubeJsonContext.Default.Options.GetTypeInfo(type));
        }
    }

    [Fact]
    public void Kinds_Read_By_Name_Or_Written_Only_Have_No_List_Metadata_And_Refuse_To_List()
    {
        using var empty = new MemoryStream(Encoding.UTF8.GetBytes("""{"items":[]}"""));

        Assert.Throws<NotSupportedException>(() => ResourceTypes.Secrets.ReadList(empty));
        Assert.Throws<NotSupportedException>(() => ResourceTypes.NetworkPolicies.ReadList(empty));
        Assert.Throws<NotSupportedException>(() => ResourceTypes.Leases.ReadList(empty));
        Assert.Throws<NotSupportedException>(() => ResourceTypes.Events.ReadList(empty));
        foreach (var type in new[] { typeof(V1SecretList), typeof(V1NetworkPolicyList), typeof(V1LeaseList), typeof(Eventsv1EventList), typeof(V1IngressList) })
        {
            Assert.Throws<NotSupportedException>(() => KubeJsonContext.Default.Options.GetTypeInfo(type));
        }
    }
}

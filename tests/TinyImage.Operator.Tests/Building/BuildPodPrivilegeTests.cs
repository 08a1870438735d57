using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

/// <summary>Build pods with least privilege: what Kaniko keeps, what the admin adds, and where the Secrets go.</summary>
public sealed class BuildPodPrivilegeTests
{
    private const string Hash = "0123456789";

    [Fact]
    public void Kaniko_Drops_Every_Capability_But_The_Ones_It_Needs_To_Unpack_And_Runs_Without_Escalation_Under_RuntimeDefault()
    {
        var pod = KanikoJobBuilder.BuildJob(Samples.Hello().Valid(), Hash, new OperatorOptions()).Spec.Template.Spec;
        var kaniko = pod.Containers.Single().SecurityContext;
        var init = pod.InitContainers.Single().SecurityContext;

        Assert.Equal(["ALL"], kaniko.Capabilities.Drop);
        Assert.Equal(["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID", "SETFCAP", "KILL"], kaniko.Capabilities.Add);
        Assert.False(kaniko.AllowPrivilegeEscalation);
        Assert.Equal("RuntimeDefault", kaniko.SeccompProfile.Type);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.Equal(["ALL"], init.Capabilities.Drop);
        Assert.Null(init.Capabilities.Add);
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.False(pod.EnableServiceLinks);
        Assert.Null(pod.ServiceAccountName);
        Assert.Null(pod.RuntimeClassName);
    }

    [Fact]
    public void The_Admins_RuntimeClass_Is_Set_On_Every_Build_Pod()
    {
        var pod = KanikoJobBuilder.BuildJob(Samples.Hello().Valid(), Hash, new OperatorOptions { BuildRuntimeClassName = "gvisor" }).Spec.Template.Spec;

        Assert.Equal("gvisor", pod.RuntimeClassName);
    }

    [Fact]
    public void A_Build_Without_Resources_Gets_The_Default_Requests_And_Limits_And_Its_Own_Limits_Win()
    {
        var unset = KanikoJobBuilder.BuildJob(Samples.Hello().Valid(), Hash, new OperatorOptions()).Spec.Template.Spec.Containers[0].Resources;
        var own = Samples.Hello();
        own.Spec.Build.Resources = new ResourceRequirementsSpec { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("8Gi") } };
        var withOwn = KanikoJobBuilder.BuildJob(own.Valid(), Hash, new OperatorOptions()).Spec.Template.Spec.Containers[0].Resources;
        var bigRequest = Samples.Hello();
        bigRequest.Spec.Build.Resources = new ResourceRequirementsSpec { Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = new("6Gi") } };
        var withBigRequest = KanikoJobBuilder.BuildJob(bigRequest.Valid(), Hash, new OperatorOptions()).Spec.Template.Spec.Containers[0].Resources;

        Assert.Equal(("250m", "512Mi", "2", "4Gi"), (unset.Requests["cpu"].ToString(), unset.Requests["memory"].ToString(), unset.Limits["cpu"].ToString(), unset.Limits["memory"].ToString()));
        Assert.Equal(["memory"], withOwn.Limits.Keys);
        Assert.Null(withOwn.Requests);
        Assert.Equal("6Gi", withBigRequest.Requests["memory"].ToString());
        Assert.Equal(["cpu"], withBigRequest.Limits.Keys);
    }

    [Fact]
    public void Secrets_Reach_Only_The_Kaniko_Container_Never_The_Init_Container_That_Copies_The_Source()
    {
        var ti = Samples.Hello();
        ti.Spec.Output.PushSecret = "push";
        var pod = KanikoJobBuilder.BuildJob(ti.Valid(), Hash, new OperatorOptions()).Spec.Template.Spec;
        var secretVolumes = pod.Volumes.Where(v => v.Secret is not null).Select(v => v.Name).ToList();

        Assert.Equal(["docker-config"], secretVolumes);
        Assert.DoesNotContain(pod.InitContainers.Single().VolumeMounts, m => secretVolumes.Contains(m.Name));
        Assert.Null(pod.InitContainers.Single().Env);
        Assert.Contains(pod.Containers.Single().VolumeMounts, m => m.Name == "docker-config" && m.ReadOnlyProperty == true);
    }

    [Fact]
    public void The_Build_NetworkPolicy_Selects_Every_Build_Pod_Of_The_TinyImage_Denies_Ingress_And_Allows_Only_Dns_And_Public_Web_Egress()
    {
        var ti = Samples.Hello().Valid();
        var policy = BuildNetworkPolicyBuilder.Build(ti, new OperatorOptions());
        var podLabels = KanikoJobBuilder.BuildJob(ti, Hash, new OperatorOptions()).Spec.Template.Metadata.Labels;

        Assert.Equal("hello-build", policy.Metadata.Name);
        Assert.True(policy.Metadata.OwnerReferences.Single().Controller);
        Assert.All(policy.Spec.PodSelector.MatchLabels, l => Assert.Equal(l.Value, podLabels[l.Key]));
        Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);
        Assert.False(OperatorJson.ToNode(policy.Spec)!.AsObject().ContainsKey("ingress")); // no ingress rule: all ingress denied
        Assert.Null(policy.Spec.ExtensionData);
        Assert.Equal(2, policy.Spec.Egress.Count);
        Assert.Equal([53, 53], policy.Spec.Egress[0].Ports.Select(p => int.Parse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("kube-dns", policy.Spec.Egress[0].To.Single().PodSelector.MatchLabels["k8s-app"]);
        var v4 = policy.Spec.Egress[1].To[0].IpBlock;
        Assert.Equal("0.0.0.0/0", v4.Cidr);
        Assert.Contains("169.254.0.0/16", v4.Except);
        Assert.Contains("10.0.0.0/8", v4.Except);
        Assert.Equal([443, 80], policy.Spec.Egress[1].Ports.Select(p => int.Parse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void The_NetworkPolicy_Name_Of_A_Long_TinyImage_Name_Stays_Within_63_Characters()
    {
        Assert.Equal(63, BuildNetworkPolicyBuilder.Name(new string('a', 80)).Length);
    }
}

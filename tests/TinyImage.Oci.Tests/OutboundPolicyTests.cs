using System.Net;
using TinyImage.Oci;
using Xunit;

namespace TinyImage.Oci.Tests;

public sealed class OutboundPolicyTests
{
    private static readonly OutboundPolicy Cluster = OutboundPolicy.Create([], ["10.42.0.0/16", "fd00:10:96::/108"]);

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("169.254.0.0", "link-local")]
    [InlineData("169.254.255.255", "link-local")]
    [InlineData("::ffff:169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local (cloud metadata)")]
    [InlineData("::127.0.0.1", "IPv4-compatible")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf:ffff::1", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.255", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("10.42.0.0", "denied cluster range 10.42.0.0/16")]
    [InlineData("10.42.255.255", "denied cluster range 10.42.0.0/16")]
    [InlineData("::ffff:10.42.1.2", "denied cluster range 10.42.0.0/16")]
    [InlineData("fd00:10:96::1", "denied cluster range fd00:10:96::/108")]
    public void Denied_Addresses_Are_Refused_With_The_Range_They_Fall_In(string address, string reason)
    {
        var refusal = Cluster.Refusal(IPAddress.Parse(address));

        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("128.0.0.1")]
    [InlineData("126.255.255.255")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.0")]
    [InlineData("10.41.255.255")]
    [InlineData("10.43.0.0")]
    [InlineData("192.168.1.10")]
    [InlineData("223.255.255.255")]
    [InlineData("2001:db8::1")]
    [InlineData("fec0::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("fd00:10:97::1")]
    public void Addresses_Outside_Every_Denied_Range_Are_Allowed(string address) =>
        Assert.Null(Cluster.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1")]
    [InlineData("10.42.0.0/24", "10.42.0.255")]
    [InlineData("10.42.0.7/24", "10.42.0.1")]
    [InlineData("::1", "::1")]
    public void An_Allowed_Cidr_Lets_A_Denied_Address_Through(string allow, string address)
    {
        var policy = OutboundPolicy.Create([allow], ["10.42.0.0/16"]);

        Assert.Null(policy.Refusal(IPAddress.Parse(address)));
    }

    [Fact]
    public void An_Allowed_Cidr_Ends_Where_Its_Prefix_Ends()
    {
        var policy = OutboundPolicy.Create(["10.42.0.0/24"], ["10.42.0.0/16"]);

        Assert.NotNull(policy.Refusal(IPAddress.Parse("10.42.1.0")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("127.0.0.1")));
    }

    [Theory]
    [InlineData("registry.kube-system.svc.cluster.local", "REGISTRY.kube-system.svc.cluster.local.", true)]
    [InlineData("registry.kube-system.svc.cluster.local", "other.kube-system.svc.cluster.local", false)]
    [InlineData("*.svc.cluster.local", "registry.kube-system.svc.cluster.local", true)]
    [InlineData("*.svc.cluster.local", "svc.cluster.local", false)]
    [InlineData("*.svc.cluster.local", "evilsvc.cluster.local", false)]
    [InlineData("localhost", "localhost", true)]
    [InlineData("10.0.0.0/8", "10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "[::ffff:10.1.2.3]", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    public void Hosts_On_The_Allow_List_Match_By_Exact_Name_Wildcard_Or_Literal_Address_In_A_Cidr(string allow, string host, bool allowed) =>
        Assert.Equal(allowed, OutboundPolicy.Create([allow]).AllowsHost(host));

    [Theory]
    [InlineData("http://registry", "neither a host name")]
    [InlineData("reg istry", "neither a host name")]
    [InlineData("10.0.0.0/33", "neither a host name")]
    public void Unusable_Allow_Entries_Are_Errors_Naming_The_Entry(string entry, string message)
    {
        Assert.False(OutboundPolicy.TryCreate([entry], [], out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains(entry, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("registry.local")]
    [InlineData("10.0.0.0/99")]
    [InlineData("")]
    public void Unusable_Deny_Entries_Are_Errors(string entry) =>
        Assert.False(OutboundPolicy.TryCreate([], [entry], out _, out _));

    [Fact]
    public void The_Default_Refuses_Loopback_Literals_Before_Resolving_And_Leaves_Names_To_Connect_Time()
    {
        Assert.NotNull(OutboundPolicy.Default.RefusalBeforeResolving("127.0.0.1"));
        Assert.NotNull(OutboundPolicy.Default.RefusalBeforeResolving("[::1]"));
        Assert.Null(OutboundPolicy.Default.RefusalBeforeResolving("localhost"));
        Assert.Null(OutboundPolicy.Create(["127.0.0.1"]).RefusalBeforeResolving("127.0.0.1"));
    }
}

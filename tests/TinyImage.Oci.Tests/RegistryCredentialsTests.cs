using Xunit;
using System.Text;
using TinyImage.Oci;

namespace TinyImage.Oci.Tests;

public sealed class RegistryCredentialsTests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Docker_Config_Auth_Field_Is_Decoded_And_Keys_With_Scheme_Are_Normalised()
    {
        var json = "{\"auths\":{\"https://reg.example:5000/v2/\":{\"auth\":\"" + B64("alice:s3:cret") + "\"},\"other.example\":{\"username\":\"bob\",\"password\":\"pw\"}}}";
        var creds = RegistryCredentials.FromDockerConfigJson(Encoding.UTF8.GetBytes(json));

        Assert.Equal(new RegistryCredential("alice", "s3:cret"), creds.Find("reg.example:5000"));
        Assert.Equal(new RegistryCredential("bob", "pw"), creds.Find("OTHER.example"));
        Assert.Null(creds.Find("reg.example"));
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/")]
    [InlineData("docker.io")]
    [InlineData("index.docker.io")]
    [InlineData("registry-1.docker.io")]
    public void Every_Docker_Hub_Alias_Finds_Docker_Hub_Credentials(string key)
    {
        var json = "{\"auths\":{\"" + key + "\":{\"auth\":\"" + B64("u:p") + "\"}}}";
        var creds = RegistryCredentials.FromDockerConfigJson(Encoding.UTF8.GetBytes(json));

        Assert.Equal("u", creds.Find("docker.io")?.Username);
        Assert.Equal("u", creds.Find(RegistryHosts.ApiHost("docker.io"))?.Username);
    }

    [Theory]
    [InlineData("""{"auths":{"r.example":{"auth":"%%%"}}}""")]
    [InlineData("""{"auths":{"r.example":{"auth":"bm9jb2xvbg=="}}}""")]
    [InlineData("""{"nope":{}}""")]
    [InlineData("""not json""")]
    public void Malformed_Docker_Config_Is_Refused(string json)
    {
        var e = Assert.Throws<RegistryException>(() => RegistryCredentials.FromDockerConfigJson(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(RegistryErrorKind.Malformed, e.Kind);
    }

    [Fact]
    public void Credential_ToString_Never_Shows_The_Password()
    {
        Assert.DoesNotContain("hunter2", new RegistryCredential("u", "hunter2").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Docker_Hub_Api_Host_Is_Registry_1()
    {
        Assert.Equal("registry-1.docker.io", RegistryHosts.ApiHost("docker.io"));
        Assert.Equal("reg.example:5000", RegistryHosts.ApiHost("Reg.Example:5000"));
    }

    [Theory]
    [InlineData("hunter2")]
    [InlineData("{\"auths\":{\"r\":{\"auth\":hunter2}}}")]
    public void A_Docker_Config_That_Is_No_Json_Is_Refused_Without_Quoting_Its_Bytes(string content)
    {
        var e = Assert.Throws<RegistryException>(() => RegistryCredentials.FromDockerConfigJson(Encoding.UTF8.GetBytes(content)));

        Assert.Equal(RegistryErrorKind.Malformed, e.Kind);
        Assert.StartsWith("The docker config JSON is not valid JSON (line 1, byte ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'h'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter", e.Message, StringComparison.Ordinal);
    }
}

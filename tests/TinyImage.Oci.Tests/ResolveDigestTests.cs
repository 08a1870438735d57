using System.Net;
using System.Text;
using TinyImage.Oci;
using TinyImage.Testing;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Oci.Tests;

/// <summary>Resolving a toolchain tag to its digest: a manifest HEAD, a verified GET when the registry sends no digest.</summary>
public sealed class ResolveDigestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_Tag_Resolves_With_One_Manifest_HEAD_To_The_Digest_The_Registry_Names()
    {
        var registry = new FakeRegistry();
        var image = BinaryImage("cargo", Encoding.UTF8.GetBytes("v1"));
        registry.Add(image);
        registry.Override = r => r.Method == HttpMethod.Head ? WithDigest(image.Digest) : null;
        using var client = registry.Client();

        var digest = await client.ResolveDigestAsync(FakeRegistry.Ref(":v1"), Ct);

        Assert.Equal(image.Digest, digest);
        Assert.Equal([HttpMethod.Head], registry.Handler.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task Without_A_Digest_Header_The_Manifest_Is_Fetched_And_Hashed()
    {
        var registry = new FakeRegistry();
        var image = BinaryImage("cargo", Encoding.UTF8.GetBytes("v2"));
        registry.Add(image);
        registry.Override = r => r.Method == HttpMethod.Head ? StubHandler.Status(HttpStatusCode.OK) : null;
        using var client = registry.Client();

        var digest = await client.ResolveDigestAsync(FakeRegistry.Ref(":v1"), Ct);

        Assert.Equal(image.Digest, digest);
        Assert.Equal([HttpMethod.Head, HttpMethod.Get], registry.Handler.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task An_Unknown_Tag_Is_A_Registry_Error_And_A_Pinned_Reference_Asks_Nothing()
    {
        var registry = new FakeRegistry();
        using var client = registry.Client();

        await Assert.ThrowsAsync<RegistryException>(() => client.ResolveDigestAsync(FakeRegistry.Ref(":missing"), Ct));
        var pinned = "sha256:" + new string('a', 64);
        Assert.Equal(pinned, await client.ResolveDigestAsync(FakeRegistry.Ref("@" + pinned), Ct));
        Assert.Single(registry.Handler.Requests);
    }

    private static HttpResponseMessage WithDigest(string digest)
    {
        var response = StubHandler.Status(HttpStatusCode.OK);
        response.Headers.Add("Docker-Content-Digest", digest);
        return response;
    }
}

using TinyImage.Testing;
using Xunit;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TinyImage.Oci;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Oci.Tests;

public sealed class RegistryClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TestImage SampleImage() => BinaryImage("app", Encoding.UTF8.GetBytes("binary bytes"));

    [Fact]
    public async Task Manifest_By_Tag_Resolves_To_Its_Digest_And_Sends_Every_Accepted_Media_Type()
    {
        var registry = new FakeRegistry();
        var image = SampleImage();
        registry.Add(image);
        string? accept = null;
        registry.Override = r => { accept = r.Headers.Accept.ToString(); return null; };
        using var client = registry.Client();

        var resolved = await client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct);

        Assert.Equal(image.Digest, resolved.Digest);
        Assert.Equal(image.Digest, resolved.Image.Digest);
        Assert.Equal(image.CompressedSize, resolved.CompressedSize);
        Assert.Single(resolved.Layers);
        foreach (var type in OciMediaTypes.ManifestAccept)
        {
            Assert.Contains(type, accept, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Docker_V2_Manifest_Is_Accepted()
    {
        var registry = new FakeRegistry();
        var image = Image([GzipLayer(File("bin/app", "x"))], docker: true);
        registry.Add(image);
        using var client = registry.Client();

        var resolved = await client.GetManifestAsync(FakeRegistry.Ref("@" + image.Digest), Ct);
        Assert.Equal(OciMediaTypes.DockerManifest, resolved.MediaType);
        Assert.Equal(OciMediaTypes.DockerLayerGzip, resolved.Layers[0].MediaType);
    }

    [Fact]
    public async Task Manifest_Whose_Bytes_Do_Not_Match_The_Requested_Digest_Is_A_Digest_Mismatch()
    {
        var registry = new FakeRegistry();
        var image = SampleImage();
        var other = BinaryImage("app", [1, 2, 3]);
        registry.Manifests[image.Digest] = (other.Manifest, other.ManifestMediaType);
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref("@" + image.Digest), Ct));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
    }

    [Fact]
    public async Task Manifest_Over_The_Cap_Is_Too_Large()
    {
        var registry = new FakeRegistry();
        registry.Add(SampleImage());
        using var client = registry.Client(new RegistryClientOptions { MaxManifestBytes = 100 });

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));
        Assert.Equal(RegistryErrorKind.TooLarge, e.Kind);
    }

    [Fact]
    public async Task Index_Is_Resolved_To_Linux_Amd64_Or_The_Configured_Platform()
    {
        var registry = new FakeRegistry();
        var amd = SampleImage();
        var arm = BinaryImage("app", [9, 9]);
        registry.Add(amd, "amd");
        registry.Add(arm, "arm");
        var index = Index((arm, "linux", "arm64"), (amd, "linux", "amd64"));
        registry.Manifests["multi"] = (index, OciMediaTypes.OciIndex);
        using var client = registry.Client();
        using var armClient = registry.Client(new RegistryClientOptions { Platform = new OciPlatform("arm64", "linux") });
        using var s390Client = registry.Client(new RegistryClientOptions { Platform = new OciPlatform("s390x", "linux") });

        var resolved = await client.GetManifestAsync(FakeRegistry.Ref(":multi"), Ct);
        var resolvedArm = await armClient.GetManifestAsync(FakeRegistry.Ref(":multi"), Ct);
        var missing = await Assert.ThrowsAsync<RegistryException>(() => s390Client.GetManifestAsync(FakeRegistry.Ref(":multi"), Ct));

        Assert.Equal(amd.Digest, resolved.Digest);
        Assert.Equal(Digests.Compute(index), resolved.IndexDigest);
        Assert.Equal(arm.Digest, resolvedArm.Digest);
        Assert.Equal(RegistryErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task Unknown_Manifest_Is_Not_Found()
    {
        var registry = new FakeRegistry();
        using var client = registry.Client();
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":nope"), Ct));
        Assert.Equal(RegistryErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task Tampered_Blob_Throws_Digest_Mismatch_At_End_Of_Stream()
    {
        var registry = new FakeRegistry();
        var image = SampleImage();
        registry.Add(image);
        var layer = image.Layers[0];
        var tampered = (byte[])layer.Bytes.Clone();
        tampered[^5] ^= 0xff;
        registry.Blobs[layer.Digest] = tampered;
        using var client = registry.Client();
        using var destination = new MemoryStream();

        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            client.DownloadBlobAsync(FakeRegistry.Ref(":v1"), layer.Descriptor, destination, long.MaxValue, null, Ct));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
    }

    [Fact]
    public async Task Blob_Longer_Than_Its_Descriptor_Is_A_Digest_Mismatch()
    {
        var registry = new FakeRegistry();
        var blob = new TestBlob([1, 2, 3, 4], "application/octet-stream");
        registry.Blobs[blob.Digest] = [1, 2, 3, 4, 5];
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            client.GetSmallBlobAsync(FakeRegistry.Ref(":v1"), blob.Descriptor, 100, Ct));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
    }

    [Fact]
    public async Task Verifying_Stream_Reports_Mismatch_Only_At_The_End_And_Verified_Only_After_It()
    {
        var data = new byte[100_000];
        new Random(1).NextBytes(data);
        var good = new DigestVerifyingStream(new MemoryStream(data), Digests.Compute(data), data.Length);
        await good.CopyToAsync(Stream.Null, Ct);
        Assert.True(good.Verified);

        var wrong = new DigestVerifyingStream(new MemoryStream(data), Digests.Compute([1]), data.Length);
        var buffer = new byte[1000];
        Assert.Equal(1000, await wrong.ReadAsync(buffer, Ct));
        Assert.False(wrong.Verified);
        var e = await Assert.ThrowsAsync<RegistryException>(() => wrong.CopyToAsync(Stream.Null, Ct));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
        Assert.False(wrong.Verified);
    }

    [Fact]
    public async Task Blob_Over_The_Cap_Is_Refused_Before_Downloading()
    {
        var registry = new FakeRegistry();
        var image = SampleImage();
        registry.Add(image);
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            client.DownloadBlobAsync(FakeRegistry.Ref(":v1"), image.Layers[0].Descriptor, Stream.Null, 10, null, Ct));
        Assert.Equal(RegistryErrorKind.TooLarge, e.Kind);
        Assert.Empty(registry.Handler.Requests);
    }

    [Fact]
    public async Task Too_Many_Requests_Is_Retried_After_The_Retry_After_Delay()
    {
        var registry = new FakeRegistry();
        registry.Add(SampleImage());
        var failures = 2;
        registry.Override = _ =>
        {
            if (failures-- <= 0)
            {
                return null;
            }

            var r = StubHandler.Status(HttpStatusCode.TooManyRequests);
            r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return r;
        };
        var time = new TestTimeProvider();
        using var client = registry.Client(time: time);

        await client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct);

        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7)], time.Delays);
        Assert.Equal(3, registry.Handler.Requests.Count);
    }

    [Fact]
    public async Task Service_Unavailable_Is_Retried_With_Exponential_Backoff_Then_Reported_Unavailable()
    {
        var registry = new FakeRegistry();
        registry.Override = _ => StubHandler.Status(HttpStatusCode.ServiceUnavailable);
        var time = new TestTimeProvider();
        using var client = registry.Client(new RegistryClientOptions { MaxRetries = 3, InitialBackoff = TimeSpan.FromSeconds(1) }, time);

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Equal(4, registry.Handler.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], time.Delays);
    }

    [Fact]
    public async Task Retry_After_Longer_Than_The_Maximum_Backoff_Is_Capped()
    {
        var registry = new FakeRegistry();
        registry.Add(SampleImage());
        var failed = false;
        registry.Override = _ =>
        {
            if (failed)
            {
                return null;
            }

            failed = true;
            var r = StubHandler.Status(HttpStatusCode.ServiceUnavailable);
            r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(2));
            return r;
        };
        var time = new TestTimeProvider();
        using var client = registry.Client(new RegistryClientOptions { MaxBackoff = TimeSpan.FromSeconds(30) }, time);

        await client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct);
        Assert.Equal([TimeSpan.FromSeconds(30)], time.Delays);
    }

    [Fact]
    public async Task Cross_Host_Redirect_Is_Followed_Without_The_Authorization_Header()
    {
        var registry = new FakeRegistry();
        var image = SampleImage();
        registry.Add(image);
        var layer = image.Layers[0];
        registry.Override = r =>
        {
            if (r.RequestUri!.Host == FakeRegistry.Host && r.Headers.Authorization is null)
            {
                var challenge = StubHandler.Status(HttpStatusCode.Unauthorized);
                challenge.Headers.WwwAuthenticate.ParseAdd("Basic realm=\"test\"");
                return challenge;
            }

            if (r.RequestUri.AbsolutePath.EndsWith("/blobs/" + layer.Digest, StringComparison.Ordinal))
            {
                var redirect = StubHandler.Status(HttpStatusCode.TemporaryRedirect);
                redirect.Headers.Location = new Uri("https://storage.test/bucket/blob?sig=abc");
                return redirect;
            }

            return r.RequestUri.Host == "storage.test" ? StubHandler.Bytes(layer.Bytes) : null;
        };
        var options = new RegistryClientOptions { Credentials = RegistryCredentials.For(FakeRegistry.Host, new RegistryCredential("u", "p")) };
        using var client = registry.Client(options);

        var bytes = await client.GetSmallBlobAsync(FakeRegistry.Ref(":v1"), layer.Descriptor, long.MaxValue, Ct);

        Assert.Equal(layer.Bytes, bytes);
        var requests = registry.Handler.Requests;
        Assert.StartsWith("Basic ", requests.Single(r => r.Uri.Host == FakeRegistry.Host && r.Authorization is not null).Authorization, StringComparison.Ordinal);
        var storage = Assert.Single(requests, r => r.Uri.Host == "storage.test");
        Assert.Null(storage.Authorization);
    }

    [Fact]
    public async Task Redirect_From_Https_To_Plain_Http_Is_Refused()
    {
        var registry = new FakeRegistry();
        registry.Override = _ =>
        {
            var redirect = StubHandler.Status(HttpStatusCode.Found);
            redirect.Headers.Location = new Uri("http://storage.test/blob");
            return redirect;
        };
        using var client = registry.Client();
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));
        Assert.Equal(RegistryErrorKind.Malformed, e.Kind);
    }

    [Fact]
    public async Task Bearer_Token_Is_Fetched_With_Credentials_Cached_Per_Scope_And_Refetched_After_Expiry()
    {
        var registry = new FakeRegistry();
        registry.Add(SampleImage());
        var issued = 0;
        string? tokenRequest = null;
        string? tokenAuthorization = null;
        registry.Override = r =>
        {
            if (r.RequestUri!.Host == "auth.test")
            {
                issued++;
                tokenRequest = r.RequestUri.Query;
                tokenAuthorization = r.Headers.Authorization?.ToString();
                return StubHandler.Bytes(Encoding.UTF8.GetBytes($$"""{"token":"tok{{issued}}","expires_in":300}"""), "application/json");
            }

            if (r.Headers.Authorization?.ToString() != "Bearer tok" + issued || issued == 0)
            {
                var challenge = StubHandler.Status(HttpStatusCode.Unauthorized);
                challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://auth.test/token\",service=\"reg.test\",scope=\"repository:team/app:pull\"");
                return challenge;
            }

            return null;
        };
        var time = new TestTimeProvider();
        var options = new RegistryClientOptions
        {
            Credentials = RegistryCredentials.For(FakeRegistry.Host, new RegistryCredential("u", "p")),
            Outbound = OutboundPolicy.Create(["auth.test"]), // the realm is on another host: the admin trusts it with credentials
        };
        using var client = registry.Client(options, time);

        await client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct);
        await client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct);
        Assert.Equal(1, issued);
        Assert.Contains("service=reg.test", tokenRequest, StringComparison.Ordinal);
        Assert.Contains("scope=repository%3Ateam%2Fapp%3Apull", tokenRequest, StringComparison.Ordinal);
        Assert.Equal("Basic " + Convert.ToBase64String("u:p"u8.ToArray()), tokenAuthorization);

        time.Advance(TimeSpan.FromSeconds(295));
        await client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct);
        Assert.Equal(2, issued);
    }

    [Fact]
    public async Task Basic_Challenge_Without_Credentials_Is_Unauthorized()
    {
        var registry = new FakeRegistry();
        registry.Override = _ =>
        {
            var challenge = StubHandler.Status(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Basic realm=\"x\"");
            return challenge;
        };
        using var client = registry.Client();
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
    }

    [Fact]
    public async Task Wrong_Credentials_Are_Unauthorized_After_One_Retry()
    {
        var registry = new FakeRegistry();
        registry.Override = _ =>
        {
            var challenge = StubHandler.Status(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Basic realm=\"x\"");
            return challenge;
        };
        using var client = registry.Client(new RegistryClientOptions { Credentials = RegistryCredentials.For(FakeRegistry.Host, new RegistryCredential("u", "bad")) });
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Equal(2, registry.Handler.Requests.Count);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Oci;
using TinyImage.Testing;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Oci.Tests;

/// <summary>The attacks a tenant can try through the registry it names: each is refused, or its effect is contained.</summary>
public sealed class OutboundRequestTests
{
    private const string Secret = "AKIAIOSFODNN7EXAMPLE-wJalrXUtnFEMI";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TestImage SampleImage() => BinaryImage("app", Encoding.UTF8.GetBytes("binary bytes"));

    [Theory]
    [InlineData("https://127.0.0.1/latest/meta-data/", "loopback")]
    [InlineData("https://169.254.169.254/latest/meta-data/iam/security-credentials/", "link-local (cloud metadata)")]
    [InlineData("https://[::ffff:169.254.169.254]/latest/meta-data/", "link-local (cloud metadata)")]
    [InlineData("https://[fe80::1]/x", "link-local")]
    public async Task Redirect_To_Loopback_Or_Link_Local_Is_Refused_Before_The_Request_Leaves(string target, string reason)
    {
        var registry = new FakeRegistry();
        registry.Add(SampleImage());
        registry.Override = r =>
        {
            if (r.RequestUri!.Host != FakeRegistry.Host)
            {
                return StubHandler.Bytes("""{"AccessKeyId":"stolen"}"""u8.ToArray(), "application/json");
            }

            var redirect = StubHandler.Status(HttpStatusCode.TemporaryRedirect);
            redirect.Headers.Location = new Uri(target);
            return redirect;
        };
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));

        Assert.Equal(RegistryErrorKind.DestinationRefused, e.Kind);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains("redirect", e.Message, StringComparison.Ordinal);
        Assert.All(registry.Handler.Requests, r => Assert.Equal(FakeRegistry.Host, r.Uri.Host));
    }

    [Fact]
    public async Task Redirect_To_Loopback_Is_Followed_When_The_Admin_Allows_It()
    {
        var registry = new FakeRegistry();
        var image = SampleImage();
        registry.Add(image);
        var layer = image.Layers[0];
        registry.Override = r =>
        {
            if (r.RequestUri!.Host == "127.0.0.1")
            {
                return StubHandler.Bytes(layer.Bytes);
            }

            if (r.RequestUri.AbsolutePath.Contains("/blobs/", StringComparison.Ordinal))
            {
                var redirect = StubHandler.Status(HttpStatusCode.TemporaryRedirect);
                redirect.Headers.Location = new Uri("https://127.0.0.1/blob");
                return redirect;
            }

            return null;
        };
        using var client = registry.Client(new RegistryClientOptions { Outbound = OutboundPolicy.Create(["127.0.0.0/8"]) });

        var bytes = await client.GetSmallBlobAsync(FakeRegistry.Ref(":v1"), layer.Descriptor, long.MaxValue, Ct);

        Assert.Equal(layer.Bytes, bytes);
    }

    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("169.254.169.254")]
    [InlineData("[::1]:5000")]
    public async Task Registry_On_A_Denied_Address_Literal_Is_Refused_Without_A_Request(string host)
    {
        var handler = new StubHandler(_ => StubHandler.Status(HttpStatusCode.OK));
        using var client = new RegistryClient(handler, false, new RegistryClientOptions(), new TestTimeProvider(), NullLogger.Instance);

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse($"{host}/team/app:v1"), Ct));

        Assert.Equal(RegistryErrorKind.DestinationRefused, e.Kind);
        Assert.Contains("registry allow-list", e.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Registry_On_127_0_0_1_Is_Refused_By_Default_Without_Opening_A_Connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var policy = OutboundPolicy.Default;
        using var client = new RegistryClient(RegistryHttpHandlers.Create(null, insecure: false, TimeSpan.FromSeconds(5), policy), true, new RegistryClientOptions { Outbound = policy }, TimeProvider.System, NullLogger.Instance);

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse($"127.0.0.1:{port}/team/app:v1"), Ct));

        Assert.Equal(RegistryErrorKind.DestinationRefused, e.Kind);
        Assert.Contains("127.0.0.1 is loopback (127.0.0.0/8)", e.Message, StringComparison.Ordinal);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task Host_Name_Resolving_To_Loopback_Is_Refused_At_Connect_Time_Without_Opening_A_Connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var policy = OutboundPolicy.Default;
        using var client = new RegistryClient(RegistryHttpHandlers.Create(null, insecure: false, TimeSpan.FromSeconds(5), policy), true, new RegistryClientOptions { Outbound = policy, MaxRetries = 3 }, TimeProvider.System, NullLogger.Instance);

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse($"localhost:{port}/team/app:v1"), Ct));

        Assert.Equal(RegistryErrorKind.DestinationRefused, e.Kind);
        Assert.Contains("The operator does not connect to localhost", e.Message, StringComparison.Ordinal);
        Assert.Contains("loopback", e.Message, StringComparison.Ordinal);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task Host_Name_Resolving_To_Loopback_Connects_When_It_Is_On_The_Allow_List()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var policy = OutboundPolicy.Create(["localhost", "127.0.0.1"]);
        using var handler = RegistryHttpHandlers.Create(null, insecure: false, TimeSpan.FromSeconds(5), policy);
        using var http = new HttpClient(handler);

        // Plain HTTP to a listener that never answers: the connection is what counts.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var request = http.GetAsync(new Uri($"http://localhost:{port}/v2/"), stop.Token);
        using var accepted = await listener.AcceptTcpClientAsync(Ct);
        stop.Cancel();

        Assert.True(accepted.Connected);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
    }

    [Fact]
    public async Task Token_Realm_Over_Plain_Http_Is_Refused_For_A_Registry_Not_Allowed_Insecure()
    {
        var registry = new FakeRegistry();
        registry.Add(SampleImage());
        registry.Override = r =>
        {
            if (r.RequestUri!.Host == "auth.test")
            {
                return StubHandler.Bytes("""{"token":"t"}"""u8.ToArray(), "application/json");
            }

            var challenge = StubHandler.Status(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"http://auth.test/token\",service=\"reg.test\"");
            return challenge;
        };
        var options = new RegistryClientOptions { Credentials = RegistryCredentials.For(FakeRegistry.Host, new RegistryCredential("u", "p")) };
        using var client = registry.Client(options);

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));

        Assert.Equal(RegistryErrorKind.DestinationRefused, e.Kind);
        Assert.Contains("plain HTTP", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(registry.Handler.Requests, r => r.Uri.Host == "auth.test");
    }

    [Fact]
    public async Task Token_Realm_On_The_Cloud_Metadata_Address_Is_Refused()
    {
        var registry = new FakeRegistry();
        registry.Add(SampleImage());
        registry.Override = r =>
        {
            var challenge = StubHandler.Status(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://169.254.169.254/token\",service=\"reg.test\"");
            return r.RequestUri!.Host == FakeRegistry.Host ? challenge : StubHandler.Bytes("""{"token":"t"}"""u8.ToArray());
        };
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));

        Assert.Equal(RegistryErrorKind.DestinationRefused, e.Kind);
        Assert.Contains("token realm", e.Message, StringComparison.Ordinal);
        Assert.All(registry.Handler.Requests, r => Assert.Equal(FakeRegistry.Host, r.Uri.Host));
    }

    [Fact]
    public async Task Token_Realm_On_Another_Host_Does_Not_Receive_The_Basic_Credentials()
    {
        var registry = new FakeRegistry();
        registry.Add(SampleImage());
        registry.Override = r =>
        {
            if (r.RequestUri!.Host == "collector.test")
            {
                return StubHandler.Bytes("""{"token":"anonymous"}"""u8.ToArray(), "application/json");
            }

            if (r.Headers.Authorization?.ToString() == "Bearer anonymous")
            {
                return null;
            }

            var challenge = StubHandler.Status(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://collector.test/token\",service=\"reg.test\"");
            return challenge;
        };
        var options = new RegistryClientOptions { Credentials = RegistryCredentials.For(FakeRegistry.Host, new RegistryCredential("victim", "hunter2")) };
        using var client = registry.Client(options);

        await client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct);

        var token = Assert.Single(registry.Handler.Requests, r => r.Uri.Host == "collector.test");
        Assert.Null(token.Authorization);
    }

    [Fact]
    public async Task Token_Realm_On_Another_Host_That_Refuses_Anonymous_Access_Says_Which_Host_To_Allow()
    {
        var registry = new FakeRegistry();
        registry.Add(SampleImage());
        registry.Override = r =>
        {
            if (r.RequestUri!.Host == "auth.other.test")
            {
                return StubHandler.Status(HttpStatusCode.Unauthorized);
            }

            var challenge = StubHandler.Status(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://auth.other.test/token\",service=\"reg.test\"");
            return challenge;
        };
        var options = new RegistryClientOptions { Credentials = RegistryCredentials.For(FakeRegistry.Host, new RegistryCredential("u", "p")) };
        using var client = registry.Client(options);

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains("add auth.other.test to the registry allow-list", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_Realm_On_The_Registry_Host_At_Another_Port_Receives_The_Credentials()
    {
        var registry = new FakeRegistry();
        registry.Add(SampleImage());
        registry.Override = r =>
        {
            if (r.RequestUri!.Port == 8443)
            {
                return StubHandler.Bytes("""{"token":"t"}"""u8.ToArray(), "application/json");
            }

            if (r.Headers.Authorization?.ToString() == "Bearer t")
            {
                return null;
            }

            var challenge = StubHandler.Status(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://reg.test:8443/token\",service=\"reg.test\"");
            return challenge;
        };
        var options = new RegistryClientOptions { Credentials = RegistryCredentials.For(FakeRegistry.Host, new RegistryCredential("u", "p")) };
        using var client = registry.Client(options);

        await client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct);

        var token = Assert.Single(registry.Handler.Requests, r => r.Uri.Port == 8443);
        Assert.Equal("Basic " + Convert.ToBase64String("u:p"u8.ToArray()), token.Authorization);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "400 Bad Request (registry error DENIED)")]
    [InlineData(HttpStatusCode.Forbidden, "403 Forbidden (registry error DENIED)")]
    [InlineData(HttpStatusCode.NotFound, "404 Not Found (registry error DENIED)")]
    public async Task Registry_Error_Body_With_A_Secret_Never_Reaches_The_Exception_Message(HttpStatusCode status, string expected)
    {
        var registry = new FakeRegistry();
        registry.Override = _ => StubHandler.Bytes(
            Encoding.UTF8.GetBytes($$$"""{"errors":[{"code":"DENIED","message":"token {{{Secret}}} expired","detail":{"secret":"{{{Secret}}}"}},{"code":"{{{Secret}}}"}]}"""),
            "application/json",
            status);
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIA", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("expired", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_Error_Page_That_Is_Not_Json_Leaves_Only_The_Status_In_The_Message()
    {
        var registry = new FakeRegistry();
        registry.Override = _ => StubHandler.Bytes(Encoding.UTF8.GetBytes($"<html><body>internal config: {Secret}\r\nX-Injected: yes</body></html>"), "text/html", HttpStatusCode.Conflict);
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));

        Assert.Contains("409 Conflict for manifest", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("html", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_Media_Type_Chosen_By_The_Registry_Is_Capped_In_The_Message()
    {
        var registry = new FakeRegistry();
        var longType = "application/x-" + new string('a', 5000) + "\n" + Secret;
        registry.Manifests["v1"] = (Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{longType.Replace("\n", "\\n", StringComparison.Ordinal)}}"}"""), "application/json");
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(FakeRegistry.Ref(":v1"), Ct));

        Assert.Equal(RegistryErrorKind.Malformed, e.Kind);
        Assert.True(e.Message.Length < 300, e.Message);
        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
    }
}

using Xunit;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TinyImage.Oci;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// docker-registry with its own <c>auth: token:</c> configuration (not a proxy): the realm is a Kestrel token endpoint in
/// the test that checks Basic credentials and issues ES256 JWTs whose header carries the signing certificate (<c>x5c</c>);
/// the registry trusts that certificate through <c>rootcertbundle</c>. Anonymous requests are refused by the endpoint.
/// </summary>
public class TokenRegistryFixture : RegistryFixture
{
    public const string User = "bob";
    public const string Password = "token-pass";
    public const string Service = "tinyimage-test-registry";
    public const string Issuer = "tinyimage-test-issuer";

    private readonly ECDsa signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 signingCert;
    private TestWebServer? tokenServer;
    private int tokensIssued;

    public TokenRegistryFixture()
    {
        var request = new CertificateRequest("CN=TinyImage Test Token Signer", signingKey, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        signingCert = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
    }

    /// <summary>Tokens issued so far (to observe the client's token cache).</summary>
    public int TokensIssued => Volatile.Read(ref tokensIssued);

    internal override bool Insecure => true;

    /// <summary>The host name the registry's challenge gives for the token endpoint; null: its address (127.0.0.1).</summary>
    protected virtual string? RealmHost => null;

    internal RegistryCredentials Credentials => RegistryCredentials.For(Host, new RegistryCredential(User, Password));

    protected override async Task<string> PrepareAsync()
    {
        tokenServer = await TestWebServer.StartAsync(IssueAsync);
        var bundle = Path.Combine(Directory, "token-signer.pem");
        await File.WriteAllTextAsync(bundle, signingCert.ExportCertificatePem());
        return $"""
            http:
              addr: 127.0.0.1:{Port}
              secret: {Guid.NewGuid():N}
            auth:
              token:
                realm: {new UriBuilder(tokenServer.BaseUri) { Host = RealmHost ?? tokenServer.BaseUri.Host }.Uri}token
                service: {Service}
                issuer: {Issuer}
                rootcertbundle: {bundle}
            """;
    }

    protected override Task<bool> ProbeAsync() => ProbeWith(new HttpClientHandler(), new Uri($"http://{Host}/v2/"));

    private async Task IssueAsync(HttpContext context)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        if (auth != expected || context.Request.Query["service"] != Service)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("""{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}""");
            return;
        }

        var access = new JsonArray();
        foreach (var scope in context.Request.Query["scope"])
        {
            // repository:NAME:ACTIONS (NAME may contain ':' only as a port-free path, so split on the first and last colon)
            var first = scope!.IndexOf(':', StringComparison.Ordinal);
            var last = scope.LastIndexOf(':');
            if (first < 0 || last <= first)
            {
                continue;
            }

            var actions = new JsonArray(scope[(last + 1)..].Split(',').Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
            access.Add(new JsonObject { ["type"] = scope[..first], ["name"] = scope[(first + 1)..last], ["actions"] = actions });
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject
        {
            ["typ"] = "JWT",
            ["alg"] = "ES256",
            ["x5c"] = new JsonArray(JsonValue.Create(Convert.ToBase64String(signingCert.RawData))),
        };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = User,
            ["aud"] = Service,
            ["exp"] = now + 300,
            ["nbf"] = now - 30,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var signingInput = B64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = signingKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var token = signingInput + "." + B64Url(signature);
        Interlocked.Increment(ref tokensIssued);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["token"] = token, ["expires_in"] = 300 }.ToJsonString());
    }

    private static string B64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (tokenServer is not null)
        {
            await tokenServer.DisposeAsync();
        }

        signingCert.Dispose();
        signingKey.Dispose();
    }
}

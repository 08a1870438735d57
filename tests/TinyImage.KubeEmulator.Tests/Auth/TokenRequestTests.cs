using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.KubeEmulator.Tests.Auth.Rbac;

namespace TinyImage.KubeEmulator.Tests.Auth;

/// <summary>The serviceaccounts/token subresource (pkg/registry/core/serviceaccount/storage/token.go) and the tokens it issues.</summary>
public sealed class TokenRequestTests
{
    [Fact]
    public async Task A_TokenRequest_Issues_A_Jwt_For_The_ServiceAccount_With_Its_Expiration()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { TimeProvider = clock });
        using var admin = kube.CreateHttpClient();
        await CreatedAsync(admin, "/api/v1/namespaces/default/serviceaccounts", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "builder" } });

        var (code, body) = await admin.PostJsonAsync("/api/v1/namespaces/default/serviceaccounts/builder/token", new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenRequest", ["spec"] = new JsonObject { ["expirationSeconds"] = 600 },
        });

        Assert.Equal(201, code);
        Assert.Equal("TokenRequest", (string?)body["kind"]);
        Assert.Equal("2026-01-02T03:14:05Z", (string?)body["status"]!["expirationTimestamp"]);
        Assert.Equal(600, (int?)body["spec"]!["expirationSeconds"]);
        var parts = ((string)body["status"]!["token"]!).Split('.');
        Assert.Equal(3, parts.Length);
        var claims = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1]))))!;
        Assert.Equal("system:serviceaccount:default:builder", (string?)claims["sub"]);
        Assert.Equal("builder", (string?)claims["kubernetes.io"]!["serviceaccount"]!["name"]);
        Assert.Equal(kube.Get("v1", "serviceaccounts", "default", "builder").Body["metadata"]!["uid"]!.ToString(), (string?)claims["kubernetes.io"]!["serviceaccount"]!["uid"]);
    }

    [Fact]
    public async Task A_TokenRequest_Is_Refused_For_A_Missing_ServiceAccount_And_For_Less_Than_Ten_Minutes()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();
        await CreatedAsync(admin, "/api/v1/namespaces/default/serviceaccounts", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "builder" } });

        var missing = await admin.PostJsonAsync("/api/v1/namespaces/default/serviceaccounts/ghost/token", new JsonObject { ["spec"] = new JsonObject() });
        var tooShort = await admin.PostJsonAsync("/api/v1/namespaces/default/serviceaccounts/builder/token", new JsonObject { ["spec"] = new JsonObject { ["expirationSeconds"] = 10 } });

        Assert.Equal(404, missing.Code);
        Assert.Equal("serviceaccounts \"ghost\" not found", (string?)missing.Body["message"]);
        Assert.Equal(422, tooShort.Code);
        Assert.Equal("TokenRequest.authentication.k8s.io \"builder\" is invalid: spec.expirationSeconds: Invalid value: 10: may not specify a duration less than 10 minutes", (string?)tooShort.Body["message"]);
    }

    [Fact]
    public async Task A_Token_Stops_Working_When_It_Expires_Or_Its_ServiceAccount_Is_Deleted()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { TimeProvider = clock });
        using var admin = kube.CreateHttpClient();
        var token = await ServiceAccountTokenAsync(admin, "demo", "app");
        using var app = kube.CreateHttpClient(token);

        var fresh = await app.GetJsonAsync("/version");
        clock.Advance(TimeSpan.FromHours(1));
        var expired = await app.GetJsonAsync("/version");
        using var other = kube.CreateHttpClient(await ServiceAccountTokenAsync(admin, "demo", "other"));
        var beforeDelete = await other.GetJsonAsync("/version");
        await admin.DeleteJsonAsync("/api/v1/namespaces/demo/serviceaccounts/other");
        await CreatedAsync(admin, "/api/v1/namespaces/demo/serviceaccounts", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "other" } });
        var recreated = await other.GetJsonAsync("/version");

        Assert.Equal(200, fresh.Code);
        Assert.Equal(401, expired.Code);
        Assert.Equal(200, beforeDelete.Code);
        Assert.Equal(401, recreated.Code);
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }
}

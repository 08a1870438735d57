using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Oci.Tests;

/// <summary>
/// One client per registry host and credential identity, shared across pulls: what it learnt (the scheme of an insecure
/// registry) is not learnt again, tenants with other credentials never share it, and the pool stays bounded.
/// </summary>
public sealed class RegistryClientPoolTests
{
    private readonly FakeRegistry registry = new();
    private readonly TestTimeProvider time = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryClientPool Pool() => new(registry.Handler, registry.Handler, time, NullLogger.Instance);

    private static RegistryClientOptions Insecure(RegistryCredentials? credentials = null) =>
        new() { Insecure = true, Credentials = credentials ?? RegistryCredentials.Anonymous };

    [Fact]
    public async Task An_Insecure_Registry_Found_To_Speak_Plain_Http_Is_Not_Tried_Over_Https_On_Later_Pulls()
    {
        var image = BinaryImage("app", [1, 2, 3]);
        registry.Add(image);
        registry.Override = request => request.RequestUri!.Scheme == Uri.UriSchemeHttps
            ? throw new HttpRequestException(HttpRequestError.SecureConnectionError, "the server does not speak TLS")
            : null;
        var pool = Pool();

        for (var i = 0; i < 3; i++)
        {
            var client = pool.Get(FakeRegistry.Host, "anonymous", Insecure());
            await client.GetManifestAsync(FakeRegistry.Ref("@" + image.Digest), Ct);
        }

        Assert.Equal(1, registry.Handler.Requests.Count(r => r.Uri.Scheme == Uri.UriSchemeHttps));
        Assert.Equal(3, registry.Handler.Requests.Count(r => r.Uri.Scheme == Uri.UriSchemeHttp));
    }

    [Fact]
    public void Pulls_With_The_Same_Registry_And_Identity_Share_A_Client_And_Other_Identities_Do_Not()
    {
        var pool = Pool();
        var alice = RegistryCredentials.For(FakeRegistry.Host, new RegistryCredential("alice", "secret-a"));
        var bob = RegistryCredentials.For(FakeRegistry.Host, new RegistryCredential("bob", "secret-b"));

        var first = pool.Get(FakeRegistry.Host, alice.IdentityFor(FakeRegistry.Host), Insecure(alice));
        var again = pool.Get(FakeRegistry.Host, alice.IdentityFor(FakeRegistry.Host), Insecure(alice));
        var other = pool.Get(FakeRegistry.Host, bob.IdentityFor(FakeRegistry.Host), Insecure(bob));
        var anonymous = pool.Get(FakeRegistry.Host, RegistryCredentials.Anonymous.IdentityFor(FakeRegistry.Host), Insecure());
        var verified = pool.Get(FakeRegistry.Host, alice.IdentityFor(FakeRegistry.Host), new RegistryClientOptions { Credentials = alice });
        var otherHost = pool.Get("other.test", alice.IdentityFor(FakeRegistry.Host), Insecure(alice));

        Assert.Same(first, again);
        Assert.NotSame(first, other);
        Assert.NotSame(first, anonymous);
        Assert.NotSame(first, verified);
        Assert.NotSame(first, otherHost);
        Assert.NotEqual(alice.IdentityFor(FakeRegistry.Host), bob.IdentityFor(FakeRegistry.Host));
        Assert.DoesNotContain("secret-a", alice.IdentityFor(FakeRegistry.Host), StringComparison.Ordinal);
    }

    [Fact]
    public void A_Client_Unused_Longer_Than_The_Idle_Timeout_Is_Dropped()
    {
        var pool = Pool();
        var first = pool.Get(FakeRegistry.Host, "anonymous", Insecure());

        time.Advance(RegistryClientPool.IdleTimeout + TimeSpan.FromSeconds(1));
        var later = pool.Get(FakeRegistry.Host, "anonymous", Insecure());

        Assert.NotSame(first, later);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void The_Pool_Keeps_At_Most_Its_Bound_Dropping_The_Least_Recently_Used()
    {
        var pool = Pool();
        var oldest = pool.Get("r0.test", "anonymous", Insecure());
        for (var i = 1; i <= RegistryClientPool.MaxClients; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            pool.Get($"r{i}.test", "anonymous", Insecure());
        }

        Assert.Equal(RegistryClientPool.MaxClients, pool.Count);
        Assert.NotSame(oldest, pool.Get("r0.test", "anonymous", Insecure()));
    }
}

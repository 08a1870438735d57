using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TinyImage.Oci;
using TinyImage.Operator.Verification;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// The slow-body registry: a loopback server (allow-listed on 127.0.0.2) sends its headers at once and then its body one
/// byte at a time, as the stalling registry did. Every body read is bounded: by the verification deadline and by the
/// per-request timeout, both on the injected clock. The tests move a <see cref="FakeTimeProvider"/> past them once the body
/// has started to trickle; no assertion depends on the wall clock.
/// </summary>
public sealed class SlowRegistryTests
{
    private const string Digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Which body trickles: the manifest's, the token endpoint's, or a 404's error body.</summary>
    public enum SlowBody
    {
        Manifest,
        Token,
        Error,
    }

    private sealed class Trickler
    {
        private int sent;

        public int Sent => Volatile.Read(ref sent);

        public string? Authority { get; set; }

        public async Task HandleAsync(HttpContext context, SlowBody slow)
        {
            var path = context.Request.Path.Value ?? string.Empty;
            if (slow == SlowBody.Token && path.StartsWith("/v2/", StringComparison.Ordinal) && context.Request.Headers.Authorization.Count == 0)
            {
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"http://{Authority}/token\",service=\"slow\"";
                return;
            }

            var isBody = slow switch
            {
                SlowBody.Token => path == "/token",
                _ => path.Contains("/manifests/", StringComparison.Ordinal),
            };
            if (!isBody)
            {
                context.Response.StatusCode = 404;
                return;
            }

            context.Response.StatusCode = slow == SlowBody.Error ? 404 : 200;
            context.Response.ContentType = slow == SlowBody.Manifest ? OciMediaTypes.OciManifest : "application/json";
            context.Response.ContentLength = 4096;
            await context.Response.StartAsync(context.RequestAborted);
            for (var i = 0; i < 4096 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync("{"u8.ToArray(), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                Interlocked.Increment(ref sent);
                await Task.Delay(TimeSpan.FromMilliseconds(50), context.RequestAborted);
            }
        }
    }

    private static async Task<VerificationResult> VerifyAgainstTricklerAsync(SlowBody slow, TimeSpan deadline, TimeSpan requestTimeout, TimeSpan advance)
    {
        var trickler = new Trickler();
        await using var server = await TestWebServer.StartAsync(context => trickler.HandleAsync(context, slow), "127.0.0.2");
        trickler.Authority = server.BaseUri.Authority;
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var options = new ImageVerifierOptions
        {
            Deadline = deadline,
            Client = new RegistryClientOptions { Outbound = OutboundPolicy.Create(["127.0.0.2"]), MaxRetries = 0, RequestTimeout = requestTimeout },
        };
        using var verifier = new ImageVerifier(options, clock, NullLogger<ImageVerifier>.Instance);
        var request = new VerificationRequest($"{server.BaseUri.Authority}/slow/app", Digest, "app", VerifyPolicy.Default, null, Insecure: true);

        var verifying = verifier.VerifyAsync(request, Ct);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(trickler.Sent >= 2), 200, TimeSpan.FromMilliseconds(50), Ct), "the body never started to trickle");
        Assert.False(verifying.IsCompleted);
        clock.Advance(advance);

        // A bound on a hang, not on speed: the result must come once the clock has passed the deadline.
        return await verifying.WaitAsync(TimeSpan.FromSeconds(60), Ct);
    }

    [Theory]
    [InlineData(SlowBody.Manifest)]
    [InlineData(SlowBody.Token)]
    [InlineData(SlowBody.Error)]
    public async Task Slow_Body_Registry_Ends_In_VerificationTimedOut_When_The_Verification_Deadline_Passes(SlowBody slow)
    {
        var result = await VerifyAgainstTricklerAsync(slow, deadline: TimeSpan.FromMinutes(2), requestTimeout: TimeSpan.FromHours(1), advance: TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        Assert.Equal(VerificationReasons.VerificationTimedOut, result.Reason);
        Assert.Contains("verification deadline of 120 s", result.Message, StringComparison.Ordinal);
        Assert.True(VerificationReasons.IsTransient(result.Reason));
    }

    [Theory]
    [InlineData(SlowBody.Manifest)]
    [InlineData(SlowBody.Token)]
    public async Task Slow_Body_Is_Cut_Off_By_The_Per_Request_Timeout_Before_The_Deadline(SlowBody slow)
    {
        var result = await VerifyAgainstTricklerAsync(slow, deadline: TimeSpan.FromHours(1), requestTimeout: TimeSpan.FromSeconds(20), advance: TimeSpan.FromSeconds(21));

        Assert.Equal(VerificationReasons.RegistryUnavailable, result.Reason);
        Assert.Contains("did not arrive within 20 s", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", result.Message, StringComparison.Ordinal);
    }
}

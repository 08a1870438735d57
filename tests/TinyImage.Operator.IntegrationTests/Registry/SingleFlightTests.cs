using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Operator.Verification;
using TinyImage.Testing;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// Concurrent first verifications of one digest (same repository, credentials and policy) pull it once, counted by a proxy
/// in front of the real docker-registry: one manifest GET, one config GET, one layer GET. A waiter that gives up leaves
/// the others their result.
/// </summary>
public sealed class SingleFlightTests(PlainRegistryFixture registry) : IClassFixture<PlainRegistryFixture>
{
    private const int Concurrent = 8;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Digest, TamperingProxy Proxy, TinyImage.Oci.Tests.TestImage Image)> PushBehindProxyAsync(string repository)
    {
        registry.SkipIfUnavailable();
        var dir = RepoPaths.AuditableFixtures;
        var path = dir is null ? null : Path.Combine(dir, "rustsec__binary-with-audit-info");
        Assert.SkipWhen(path is null || !System.IO.File.Exists(path), "The auditable fixtures are absent (../shared/fixtures/auditable not found).");
        var image = BinaryImage("hello-world", System.IO.File.ReadAllBytes(path!));
        string digest;
        using (var client = registry.Client())
        {
            digest = await image.PushAsync(client, registry.Ref(repository), "v1", Ct);
        }

        var proxy = await TamperingProxy.StartAsync(new Uri($"http://{registry.Host}"));
        proxy.TamperBlobs = false;
        return (digest, proxy, image);
    }

    private static ImageVerifier Verifier() => new(new ImageVerifierOptions { Client = LoopbackAllowed.Options }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);

    private static int Count(TamperingProxy proxy, string what) => proxy.Requests.Count(r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains(what, StringComparison.Ordinal));

    [Fact]
    public async Task Eight_Concurrent_First_Verifications_Of_One_Digest_Make_One_Manifest_Get_And_One_Layer_Get()
    {
        var (digest, proxy, image) = await PushBehindProxyAsync("flight/eight");
        await using var _ = proxy;
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        proxy.Hold = hold.Task; // the registry answers only once every verification has asked
        using var verifier = Verifier();
        var request = new VerificationRequest($"{proxy.Host}/flight/eight", digest, "hello-world", VerifyPolicy.Default, null, Insecure: true);

        var verifications = Enumerable.Range(0, Concurrent).Select(_ => Task.Run(() => verifier.VerifyAsync(request, Ct), Ct)).ToList();
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(verifier.FlightWaiters == Concurrent), 200, TimeSpan.FromMilliseconds(50), Ct));
        hold.SetResult();
        var results = await Task.WhenAll(verifications);

        Assert.All(results, r => Assert.True(r.Passed, r.Message));
        Assert.Equal(1, verifier.Pulls);
        Assert.Equal(1, Count(proxy, "/manifests/"));
        Assert.Equal(1, Count(proxy, "/blobs/" + image.Layers[0].Digest));
        Assert.Equal(1, Count(proxy, "/blobs/" + image.Config.Digest));
        Assert.Equal(2, Count(proxy, "/blobs/"));
    }

    [Fact]
    public async Task A_Waiter_That_Gives_Up_Leaves_The_Others_Their_Result_From_The_Same_Pull()
    {
        var (digest, proxy, _) = await PushBehindProxyAsync("flight/leave");
        await using var _ = proxy;
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        proxy.Hold = hold.Task;
        using var verifier = Verifier();
        var request = new VerificationRequest($"{proxy.Host}/flight/leave", digest, "hello-world", VerifyPolicy.Default, null, Insecure: true);
        using var impatient = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var leaving = Task.Run(() => verifier.VerifyAsync(request, impatient.Token), Ct);
        var staying = Task.Run(() => verifier.VerifyAsync(request, Ct), Ct);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(verifier.FlightWaiters == 2), 200, TimeSpan.FromMilliseconds(50), Ct));
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        hold.SetResult();
        var result = await staying;

        Assert.True(result.Passed, result.Message);
        Assert.Equal(1, verifier.Pulls);
        Assert.Equal(1, Count(proxy, "/manifests/"));
    }

    [Fact]
    public async Task When_Every_Waiter_Gives_Up_The_Pull_Stops_And_The_Next_Verification_Pulls_Again()
    {
        var (digest, proxy, _) = await PushBehindProxyAsync("flight/abandoned");
        await using var _ = proxy;
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        proxy.Hold = hold.Task;
        using var verifier = Verifier();
        var request = new VerificationRequest($"{proxy.Host}/flight/abandoned", digest, "hello-world", VerifyPolicy.Default, null, Insecure: true);
        using var impatient = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var leaving = Task.Run(() => verifier.VerifyAsync(request, impatient.Token), Ct);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(verifier.FlightWaiters == 1), 200, TimeSpan.FromMilliseconds(50), Ct));
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        hold.SetResult();
        var again = await verifier.VerifyAsync(request, Ct);

        Assert.True(again.Passed, again.Message);
        Assert.Equal(2, verifier.Pulls);
        Assert.Equal(0, verifier.FlightWaiters);
    }
}

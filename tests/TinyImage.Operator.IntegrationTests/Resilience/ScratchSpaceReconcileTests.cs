using TinyImage.KubeEmulator;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Hosting;
using TinyImage.Operator.IntegrationTests.Controllers;
using TinyImage.Kube;
using TinyImage.Operator.Verification;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Resilience;

/// <summary>
/// The operator's scratch directory failing is not the image's fault: the verification reports
/// <c>ScratchSpaceUnavailable</c>, which the reconciler shows as an Unknown <c>SbomVerified</c> and retries like
/// <c>RegistryUnavailable</c>; it never records a refusal, never stalls and never deploys meanwhile.
/// </summary>
public sealed class ScratchSpaceReconcileTests
{
    [Fact]
    public async Task A_Scratch_Space_Failure_Is_Retried_Without_Stalling_Or_Deploying_And_The_Image_Deploys_Once_It_Is_Writable()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        var verifier = new ScratchFailingVerifier(new FakeImageVerifier());
        var connection = new KubeConnection(h.Kube.CreateHttpClient(), h.Kube.BaseAddress) { Identity = "op-scratch" };
        var settings = new ControllerSettings
        {
            Instance = "op-scratch",
            Queue = new WorkQueueOptions { BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(500) },
            Informer = new InformerOptions { BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(500), WatchTimeoutSeconds = 60 },
        };
        var op = new RunningOperator(new OperatorHost(connection, verifier, FastOptions, settings, TimeProvider.System, h.Loggers, "op-scratch"), connection);
        try
        {
            h.CreateTinyImage("hello");
            await Eventually.TrueAsync(
                () => (string?)h.Condition("hello", Conditions.SbomVerified)?["reason"] == VerificationReasons.ScratchSpaceUnavailable,
                "SbomVerified says ScratchSpaceUnavailable",
                () => h.TinyImage("hello")?["status"]?.ToJsonString() ?? "no status");

            var verified = h.Condition("hello", Conditions.SbomVerified)!;
            Assert.Equal(Conditions.Unknown, (string?)verified["status"]);
            Assert.StartsWith(VerificationReasons.ScratchSpaceUnavailable + ": cannot", (string?)verified["message"], StringComparison.Ordinal);
            Assert.Equal(Phases.Verifying, h.Phase("hello"));
            Assert.NotEqual(Conditions.True, (string?)h.Condition("hello", Conditions.Stalled)?["status"]);
            Assert.Null(h.Object("apps/v1", "deployments", "hello"));

            // The directory becomes writable; any pass (here the next event) verifies again instead of keeping a refusal.
            verifier.Heal();
            h.Annotate("hello", "example.com/poke", "1");
            await h.WaitForPhaseAsync("hello", Phases.Ready);
            Assert.True(verifier.Calls >= 2, "verified " + verifier.Calls + " time(s)");
            Assert.Equal(VerificationReasons.Verified, (string?)h.Condition("hello", Conditions.SbomVerified)?["reason"]);
        }
        finally
        {
            await op.StopAsync();
        }
    }

    /// <summary>Reports what ImageVerifier reports for an unusable scratch directory until healed, then verifies.</summary>
    private sealed class ScratchFailingVerifier(IImageVerifier inner) : IImageVerifier
    {
        private volatile bool healed;
        private int calls;

        public int Calls => Volatile.Read(ref calls);

        public void Heal() => healed = true;

        public Task<VerificationResult> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref calls);
            return healed
                ? inner.VerifyAsync(request, cancellationToken)
                : Task.FromResult(new VerificationResult(
                    false,
                    VerificationReasons.ScratchSpaceUnavailable,
                    VerificationReasons.ScratchSpaceUnavailable + ": cannot create a directory in the temporary directory /scratch (it does not exist or is not a directory).",
                    null,
                    null,
                    null,
                    null));
        }
    }
}

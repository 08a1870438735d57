using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;
using static TinyImage.Operator.Tests.Reconciler.StepHarness;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>What the reconciler remembers per TinyImage goes with the TinyImage (issue 17: no leak over created and deleted TinyImages).</summary>
public sealed class TinyImageReconcilerForgetTests
{
    [Fact]
    public async Task The_Inputs_Digest_Remembered_By_A_Pass_Is_Forgotten_When_The_TinyImage_Is_Deleted()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync();
        await h.SyncAsync(h.Cluster.TinyImages, h.Cluster.TinyImageCache, "hello");
        var clock = new ManualClock(Now);
        var events = new EventRecorder(h.Cluster.Events, new EventRecorderOptions { Controller = "tinyimage.dev/operator", Instance = "test" }, clock, NullLogger.Instance);
        var reconciler = new TinyImageReconciler(h.Cluster, new InlineVerification(new ScriptedVerifier([])), Options, events, clock, NullLogger.Instance, new AdvisoryReaudit(null), TimeSpan.Zero);

        await reconciler.ReconcileAsync(ObjectKey.Of(tinyImage), Token);
        Assert.Equal(1, reconciler.RememberedInputs);

        reconciler.Observe(new InformerEvent<TinyImageResource>(InformerEventType.Deleted, tinyImage, null));

        Assert.Equal(0, reconciler.RememberedInputs);
    }
}

using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary><see cref="ProgressWrites"/>: when a Verifying or Deploying phase is written, on an idle and on a busy operator.</summary>
public sealed class ProgressWritesTests
{
    private static readonly ObjectKey Key = new("demo", "hello");
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    [Fact]
    public void A_Phase_That_Lasts_The_Delay_Is_Written_When_The_Operator_Is_Idle()
    {
        var progress = new ProgressWrites(Delay, busy: () => false);

        Assert.Equal(Delay, progress.Defer(Key, Stored(), Draft(), 1, Start));
        Assert.Null(progress.Defer(Key, Stored(), Draft(), 1, Start + Delay));
    }

    [Fact]
    public void A_Busy_Operator_Holds_A_Progress_Write_Back_Up_To_Ten_Times_The_Delay_Then_Writes_It()
    {
        var busy = true;
        var progress = new ProgressWrites(Delay, busy: () => busy);

        Assert.Equal(Delay, progress.Defer(Key, Stored(), Draft(), 1, Start));
        // The delay has passed, but a backlog waits for the workers: look again when ten times the delay has passed.
        Assert.Equal(Delay * 9, progress.Defer(Key, Stored(), Draft(), 1, Start + Delay));
        Assert.Null(progress.Defer(Key, Stored(), Draft(), 1, Start + (Delay * ProgressWrites.BusyFactor)));

        // Once the backlog is gone, a phase that lasted the delay is written at once.
        busy = false;
        Assert.Equal(Delay, progress.Defer(Key, Stored(), Draft(), 1, Start + TimeSpan.FromMinutes(1)));
        busy = true;
        Assert.Equal(Delay * 9, progress.Defer(Key, Stored(), Draft(), 1, Start + TimeSpan.FromMinutes(1) + Delay));
        busy = false;
        Assert.Null(progress.Defer(Key, Stored(), Draft(), 1, Start + TimeSpan.FromMinutes(1) + (Delay * 2)));
    }

    [Fact]
    public void Ready_And_A_New_Generation_Are_Written_At_Once_However_Busy()
    {
        var progress = new ProgressWrites(Delay, busy: () => true);

        Assert.Null(progress.Defer(Key, Stored(), new TinyImageStatus { Phase = Phases.Ready, ObservedGeneration = 1 }, 1, Start));
        Assert.Null(progress.Defer(Key, Stored(), Draft(), 2, Start));
    }

    private static TinyImageStatus Stored() => new() { Phase = Phases.Building, ObservedGeneration = 1 };

    private static TinyImageStatus Draft() => new() { Phase = Phases.Verifying, ObservedGeneration = 1 };
}

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>A clock that stands still until a test moves it.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public void Advance(TimeSpan by) => now += by;

    public override DateTimeOffset GetUtcNow() => now;
}

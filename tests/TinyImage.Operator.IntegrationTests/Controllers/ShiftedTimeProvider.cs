namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>The system clock moved forward by what a test says: "a day later" without waiting a day (timers run in real time).</summary>
internal sealed class ShiftedTimeProvider : TimeProvider
{
    private long offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

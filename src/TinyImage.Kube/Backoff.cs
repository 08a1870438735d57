namespace TinyImage.Kube;

/// <summary>Exponential backoff with a cap: initial, 2x, 4x, ... up to <see cref="Max"/>. Not thread-safe.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private int failures;

    public TimeSpan Max => max;

    /// <summary>The delay for the next failure, and counts it.</summary>
    public TimeSpan Next() => Delay(failures++, initial, max);

    public void Reset() => failures = 0;

    /// <summary>initial * 2^failures, capped at max (overflow-safe).</summary>
    public static TimeSpan Delay(int failures, TimeSpan initial, TimeSpan max)
    {
        if (failures >= 62)
        {
            return max;
        }

        var ticks = initial.Ticks * Math.Pow(2, failures);
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}

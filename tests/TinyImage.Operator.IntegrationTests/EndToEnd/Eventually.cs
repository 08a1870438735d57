using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>Bounded polling for cluster-level tests: the condition is checked every 100 ms, at most a number of attempts.</summary>
internal static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> after <paramref name="attempts"/> checks.</summary>
    public static async Task HoldsAsync(Func<bool> condition, string what, CancellationToken cancellationToken, int attempts = 600, Func<string>? detail = null)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        Assert.Fail("timed out waiting until " + what + (detail is null ? "" : "\n" + detail()));
    }

    /// <summary>Waits until <paramref name="condition"/> holds (async form).</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken, int attempts = 600, Func<string>? detail = null)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        Assert.Fail("timed out waiting until " + what + (detail is null ? "" : "\n" + detail()));
    }
}

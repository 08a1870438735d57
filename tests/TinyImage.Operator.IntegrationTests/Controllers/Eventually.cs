using Xunit;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>Polls a condition a bounded number of times with short waits; fails naming what was awaited.</summary>
internal static class Eventually
{
    private const int Attempts = 600;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    public static async Task TrueAsync(Func<bool> condition, string what, Func<string>? state = null)
    {
        await TrueAsync(() => Task.FromResult(condition()), what, state);
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, Func<string>? state = null)
    {
        for (var i = 0; i < Attempts; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(Pause, TestContext.Current.CancellationToken);
        }

        Assert.Fail("Still waiting, after " + Attempts + " polls, for: " + what + (state is null ? "" : "; state: " + state()));
    }
}

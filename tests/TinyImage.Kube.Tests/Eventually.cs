using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>Polls a condition with a bounded number of short waits; fails with what was awaited.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, CancellationToken cancellationToken, int attempts = 1000)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(10, cancellationToken);
        }

        Assert.Fail("Timed out waiting for: " + what);
    }
}

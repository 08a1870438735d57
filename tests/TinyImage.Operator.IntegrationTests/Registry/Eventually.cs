using Xunit;
namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>Bounded polling for fixtures: try a condition until it holds or the attempts run out.</summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, int attempts, TimeSpan interval, CancellationToken cancellationToken)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(interval, cancellationToken);
        }

        return false;
    }
}

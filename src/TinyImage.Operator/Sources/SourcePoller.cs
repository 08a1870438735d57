using Microsoft.Extensions.Logging;
using TinyImage.Kube;

namespace TinyImage.Operator.Sources;

/// <summary>
/// The leader's poll loop: sleeps until the next poll of <see cref="SourceRevisions"/> is due (at most
/// <see cref="MaxSleep"/>, so a new subscription is noticed), resolves what is due, and wakes each TinyImage whose
/// commit moved. Runs only inside a leadership term (the controller starts it), so only the leader polls.
/// </summary>
internal static partial class SourcePoller
{
    public static readonly TimeSpan MaxSleep = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(SourceRevisions sources, Action<ObjectKey> wake, Func<ObjectKey, bool> exists, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(wake);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var next = sources.NextPoll();
                var sleep = next is { } due ? due - time.GetUtcNow() : MaxSleep;
                sleep = sleep < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : sleep > MaxSleep ? MaxSleep : sleep;
                await Task.Delay(sleep, time, cancellationToken).ConfigureAwait(false);
                foreach (var moved in await sources.PollDueAsync(exists, cancellationToken).ConfigureAwait(false))
                {
                    LogMoved(logger, moved.Namespace, moved.Name);
                    wake(moved);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the leadership term ended
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The git ref of {Namespace}/{Name} moved to a new commit")]
    private static partial void LogMoved(ILogger logger, string? @namespace, string name);
}

using Microsoft.Extensions.Logging;

namespace TinyImage.Kube;

/// <summary>
/// Runs <c>concurrency</c> workers over a <see cref="WorkQueue{TKey}"/>: each takes a key, reconciles it, and applies
/// the result (forget, requeue after, or backoff). An exception from a reconcile is unexpected: it is logged and the
/// key retried with backoff, so one bad object never stops the others.
/// </summary>
public sealed class Controller<TKey>
    where TKey : notnull
{
    private readonly WorkQueue<TKey> queue;
    private readonly Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile;
    private readonly int concurrency;
    private readonly ILogger logger;

    public Controller(WorkQueue<TKey> queue, Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile, int concurrency, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        this.queue = queue;
        this.reconcile = reconcile;
        this.concurrency = concurrency;
        this.logger = logger;
    }

    /// <summary>Runs the workers until cancelled; a key being reconciled finishes its pass or observes the token.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TKey key;
            try
            {
                key = await queue.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await ProcessAsync(key, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }

    private async Task ProcessAsync(TKey key, CancellationToken cancellationToken)
    {
        ReconcileResult result;
        try
        {
            result = await reconcile(key, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Reconcile of {Key} failed (attempt {Attempt}); retrying with backoff", key, queue.NumRequeues(key) + 1);
            queue.AddRateLimited(key);
            return;
        }

        if (result.Retry)
        {
            queue.AddRateLimited(key);
            return;
        }

        queue.Forget(key);
        if (result.RequeueAfter is { } delay)
        {
            queue.AddAfter(key, delay);
        }
        else
        {
            // A level-triggered pass asks again for every recheck it still needs: one scheduled by an earlier pass
            // (a backoff, a recheck of what has since settled) would only cost a pass that finds nothing to do.
            queue.CancelAfter(key);
        }
    }
}

using System.Diagnostics;
using TinyImage.Kube;

namespace TinyImage.Operator.Telemetry;

/// <summary>
/// Wraps a reconcile function: one <c>reconcile</c> activity (tags namespace, name, result) and the reconcile metrics.
/// An exception is counted as an error and rethrown unchanged (the controller logs it and backs off).
/// </summary>
internal static class ReconcileTelemetry
{
    public static Func<ObjectKey, CancellationToken, Task<ReconcileResult>> Wrap(Func<ObjectKey, CancellationToken, Task<ReconcileResult>> reconcile, TimeProvider time) =>
        async (key, cancellationToken) =>
        {
            using var activity = OperatorTracing.Source.StartActivity("reconcile", ActivityKind.Internal);
            activity?.SetTag("namespace", key.Namespace);
            activity?.SetTag("name", key.Name);
            var started = time.GetTimestamp();
            var result = OperatorMetrics.ResultError;
            try
            {
                var outcome = await reconcile(key, cancellationToken).ConfigureAwait(false);
                result = Result(outcome);
                return outcome;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                OperatorMetrics.ReconcileErrors.Add(1);
                activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                throw;
            }
            finally
            {
                if (result != OperatorMetrics.ResultError || !cancellationToken.IsCancellationRequested)
                {
                    Record(activity, result, time.GetElapsedTime(started));
                }
            }
        };

    public static string Result(ReconcileResult outcome) =>
        outcome.Retry || outcome.RequeueAfter is not null ? OperatorMetrics.ResultRequeue : OperatorMetrics.ResultSuccess;

    private static void Record(Activity? activity, string result, TimeSpan duration)
    {
        activity?.SetTag("result", result);
        var tag = new KeyValuePair<string, object?>("result", result);
        OperatorMetrics.ReconcileTotal.Add(1, tag);
        OperatorMetrics.ReconcileDuration.Record(duration.TotalSeconds, tag);
    }
}

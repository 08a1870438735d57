using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Telemetry;

/// <summary>Build and verification metrics, recorded where the steps see those things happen.</summary>
internal static class BuildTelemetry
{
    /// <summary>A build Job seen finished; counted only the first time its completion is noticed.</summary>
    public static void Finished(bool firstSeen, bool succeeded, BuildStatus build)
    {
        if (!firstSeen)
        {
            return;
        }

        (succeeded ? OperatorMetrics.BuildsSucceeded : OperatorMetrics.BuildsFailed).Add(1);
        if (build.StartTime is { } start && build.CompletionTime is { } end && end >= start)
        {
            OperatorMetrics.BuildDuration.Record((end - start).TotalSeconds);
        }
    }

    public static void Verified(VerificationResult result)
    {
        OperatorMetrics.Verifications.Add(1, new KeyValuePair<string, object?>("reason", result.Reason));
        if (result.Passed && result.ImageSizeBytes is { } size)
        {
            OperatorMetrics.RecordVerifiedImageSize(size);
        }
    }
}

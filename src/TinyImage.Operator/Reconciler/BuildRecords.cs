using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// The "why and what" of <c>status.build</c>: a new build's reason, toolchain and inputs; a re-run's reset; and the bounded
/// history of verified builds (newest first, at most <c>spec.build.historyLimit</c>), which outlives each build's status.
/// </summary>
internal static class BuildRecords
{
    /// <summary>The status of a new build of <paramref name="hash"/>, keeping the history of the builds before it.</summary>
    public static BuildStatus NewBuild(Reconciliation run, string hash, string jobName)
    {
        var previous = run.Status.Build;
        var plan = run.Plan;
        return new BuildStatus
        {
            SpecHash = hash,
            JobName = jobName,
            Commit = run.Inputs?.Commit,
            Reason = plan?.Reason ?? (previous is null ? BuildReasons.FirstBuild : BuildReasons.SpecChanged),
            Toolchain = plan?.Toolchain is { } toolchain ? [.. toolchain] : null,
            Inputs = plan?.Inputs,
            ToolchainCheckedTime = plan?.Toolchain is null ? null : run.Now.UtcDateTime,
            History = previous?.History,
        };
    }

    /// <summary>Forgets the outcome of the current hash's build: the retry annotation asked for it to run again.</summary>
    public static void Rerun(BuildStatus build)
    {
        (build.Digest, build.StartTime, build.CompletionTime, build.LogTail) = (null, null, null, null);
        (build.FailureReason, build.FailureMessage) = (null, null);
        build.Reason = BuildReasons.Retry;
    }

    /// <summary>Records a verified build at the head of the history (once per digest and hash), bounded by the spec's limit.</summary>
    public static void Verified(Reconciliation run, string digest, VerificationResult result)
    {
        var build = run.Status.Build;
        if (build is null)
        {
            return;
        }

        var history = build.History?.Where(r => !(r.Digest == digest && r.SpecHash == run.Hash)).ToList() ?? [];
        history.Insert(0, new BuildRecord
        {
            Digest = digest,
            SpecHash = run.Hash,
            Reason = build.Reason,
            Commit = build.Commit,
            Binary = run.TinyImage.Spec.Binary,
            SizeBytes = result.ImageSizeBytes,
            PackageCount = result.Sbom?.PackageCount,
            Toolchain = ToolchainPins.Text(build.Toolchain),
            CompletionTime = build.CompletionTime,
            VerifiedTime = run.Now.UtcDateTime,
        });
        var limit = Math.Clamp(run.TinyImage.Spec.Build.HistoryLimit, 1, 20);
        build.History = history.Count > limit ? history[..limit] : history;
    }

    /// <summary>The history record of <paramref name="digest"/>, or null.</summary>
    public static BuildRecord? Find(TinyImageStatus status, string digest) =>
        status.Build?.History?.FirstOrDefault(r => r.Digest == digest);
}

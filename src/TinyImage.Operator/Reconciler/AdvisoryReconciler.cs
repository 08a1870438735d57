using System.Globalization;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Step 5, owner of the <c>Vulnerable</c> condition and, after verification, of <c>status.sbom.advisories</c>: the serving
/// image's audit by <see cref="AdvisoryReaudit"/> against the current advisory database, so a database that changed
/// since verification shows here without a pull. Always continues: a finding never makes Ready False, never stops the
/// pass and never touches the workload. A new finding set (the condition's message changed) asks for one Warning Event
/// <c>AdvisoriesFound</c>, unless verification announced the same image's findings in this very pass.
/// </summary>
internal sealed class AdvisoryReconciler(ClusterView cluster, AdvisoryReaudit reaudit) : ISubReconciler
{
    public string Name => "advisories";

    public string Phase => Phases.Ready;

    public async Task<StepResult> ReconcileAsync(Reconciliation run, CancellationToken cancellationToken)
    {
        using var span = OperatorTracing.Step(Name);
        var key = new ObjectKey(run.Namespace, run.Name);
        // The informer caches ConfigMaps without their data (CachedForm): a package list not kept in memory (after a
        // restart) is read back from the SBOM ConfigMap through the API, once per digest.
        var sbom = NeedsSbom(run) ? await cluster.ConfigMaps.GetAsync(run.Namespace, VerifyReconciler.SbomConfigMapName(run.Name), cancellationToken).ConfigureAwait(false) : null;
        var outcome = reaudit.Evaluate(run.TinyImage, run.Status, sbom, reaudit.Holder?.Current, run.Now);
        var before = ConditionSet.Find(run.Status.Conditions, Conditions.Vulnerable);
        var (wasStatus, wasMessage) = (before?.Status, before?.Message);
        if (outcome is null)
        {
            if (before is not null)
            {
                run.Status.Conditions!.Remove(before);
            }

            AdvisoryGauges.Remove(key);
            return StepResult.Continue;
        }

        run.SetCondition(Conditions.Vulnerable, outcome.Status, outcome.Reason, outcome.Message);
        if (outcome.Summary is { } summary)
        {
            AdvisoryGauges.Set(reaudit, key, summary);
            if (run.Status.Image?.Digest == outcome.Digest && run.Status.Sbom is { } sbomStatus)
            {
                sbomStatus.Advisories = summary;
            }
        }
        else
        {
            AdvisoryGauges.Remove(key);
        }

        if (outcome.Status == Conditions.True && (wasStatus != Conditions.True || wasMessage != outcome.Message)
            && !run.Warnings.Any(w => w.Reason == VerificationReasons.AdvisoryFound))
        {
            run.Warnings.Add((Conditions.ReasonAdvisoriesFound, outcome.Message));
        }

        return NextExpiry(run) is { } after ? StepResult.Continue with { RequeueAfter = after } : StepResult.Continue;
    }

    /// <summary>Whether this pass audits a digest whose package list is not kept (so its SBOM ConfigMap must be read).</summary>
    private bool NeedsSbom(Reconciliation run) =>
        run.TinyImage.Spec.Verify.Advisories is not null && reaudit.Holder?.Current is not null
        && AdvisoryReaudit.AuditedDigest(run.Status) is { } digest && reaudit.Store.Get(digest) is null;

    /// <summary>A stopped pass keeps the last audit.</summary>
    public void Skip(Reconciliation run)
    {
    }

    /// <summary>The longest a pass waits for an expiry (timers take at most about 49 days; a day keeps it simple).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    /// <summary>Time until the nearest ignore entry expires (00:00 UTC of its date; at most a day), so the audit is redone then; null: none ahead.</summary>
    private static TimeSpan? NextExpiry(Reconciliation run)
    {
        TimeSpan? next = null;
        foreach (var ignore in run.TinyImage.Spec.Verify.Advisories?.Ignore ?? [])
        {
            if (ignore.Until is { } text
                && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var until)
                && new DateTimeOffset(until.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - run.Now is var left && left > TimeSpan.Zero
                && (next is null || left < next))
            {
                next = left;
            }
        }

        return next is { } wait && wait > MaxWait ? MaxWait : next;
    }
}

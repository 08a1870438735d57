using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Advisories;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Step 3, owner of the SbomVerified condition and of <c>status.verification</c>, <c>status.image</c> and
/// <c>status.sbom</c>: verify the built digest with <see cref="IImageVerifier"/> and, when it passes, record the image
/// and its SBOM (CycloneDX JSON in ConfigMap <c>NAME-sbom</c>). An outcome recorded for this digest, binary and policy
/// under the current retry annotation stands (a pass is not verified again while its SBOM ConfigMap says so; a refusal
/// stays until the spec or the annotation changes). A refused image is never deployed: the verified one keeps serving.
/// Verification runs in the pool beside the workers: while it is queued or running the pass waits with that reason (the
/// end-of-pass write of Verifying waits for the progress delay, <see cref="ProgressWrites"/>).
/// </summary>
internal sealed class VerifyReconciler(ClusterView cluster, IVerificationRunner verifier, ILogger logger, PackageListStore? packages = null) : ISubReconciler
{
    public const string SbomKey = "bom.cdx.json";
    public const string VerifiedDigestAnnotation = "tinyimage.dev/verified-digest";
    public const string PolicyAnnotation = "tinyimage.dev/verify-policy";

    public string Name => "verify";

    public string Phase => Phases.Verifying;

    public static string SbomConfigMapName(string tinyImageName) => tinyImageName + "-sbom";

    public async Task<StepResult> ReconcileAsync(Reconciliation run, CancellationToken cancellationToken)
    {
        using var span = OperatorTracing.Step(Name);
        if (run.BuiltDigest is not { } digest)
        {
            // Nothing to verify until the build succeeds: say what verification waits for.
            var failed = ConditionSet.Find(run.Status.Conditions, Conditions.Built)?.Status == Conditions.False;
            var waiting = failed ? "nothing to verify: the build failed" : "waiting for the build";
            run.SetCondition(Conditions.SbomVerified, Conditions.Unknown, Conditions.ReasonWaitingForVerification, waiting);
            return StepResult.Wait(Conditions.ReasonWaitingForVerification, waiting);
        }

        var spec = run.TinyImage.Spec;
        var policyKey = PolicyKey(spec, run.Hash, digest);
        var sbomName = SbomConfigMapName(run.Name);
        var sbomConfigMap = cluster.ConfigMapCache.Get(run.Namespace, sbomName);
        if (!run.IsOursOrAbsent(sbomConfigMap))
        {
            return run.ChildInTheWay("ConfigMap", sbomName);
        }

        if (run.Status.Verification is { } recorded && recorded.Digest == digest && recorded.PolicyHash == policyKey && recorded.Retry == run.Retry)
        {
            if (!recorded.Passed)
            {
                return Refused(run, recorded.Reason ?? VerificationReasons.SbomMissing, recorded.Message ?? "refused");
            }

            if (run.Status.Image?.Digest == digest && Annotation(sbomConfigMap, PolicyAnnotation) != policyKey)
            {
                // The cache may lag behind our own write: ask the API before verifying again.
                sbomConfigMap = await cluster.ConfigMaps.GetAsync(run.Namespace, sbomName, cancellationToken).ConfigureAwait(false);
            }

            if (run.Status.Image?.Digest == digest && run.IsOursOrAbsent(sbomConfigMap) && Annotation(sbomConfigMap, PolicyAnnotation) == policyKey)
            {
                return Verified(run, recorded.Message ?? "verified");
            }
        }

        // Verification reads the image from the registry off the reconcile workers: this pass says where it stands, and the
        // pool wakes the TinyImage when its result is there. A new digest, policy, retry or secret supersedes the old one.
        var request = new VerificationRequest(spec.Output.Repository, digest, spec.Binary, Policy(spec), run.Inputs?.DockerConfigJson, spec.Output.Insecure);
        var identity = policyKey + "|" + run.Retry + "|" + VerificationCache.Scope(request.Repository, request.DockerConfigJson, request.Insecure);

        // Never verify (nor announce it) for an SBOM ConfigMap name another owner holds: the cache sees only ours. Checked
        // through the API once, before the verification is submitted: the passes of a TinyImage waiting for its queued or
        // running verification do not ask again (at 5,000 waiting, a GET per wake-up was most of the API's reads), nor
        // does the pass that takes its result (one GET per TinyImage fewer on the way to Ready, issue 17): a name taken
        // since is found by the create of the SBOM ConfigMap (409, then read), before anything is recorded of the image.
        if (sbomConfigMap is null && !verifier.Holds(new ObjectKey(run.Namespace, run.Name), identity))
        {
            sbomConfigMap = await cluster.ConfigMaps.GetAsync(run.Namespace, sbomName, cancellationToken).ConfigureAwait(false);
        }

        if (!run.IsOursOrAbsent(sbomConfigMap))
        {
            return run.ChildInTheWay("ConfigMap", sbomName);
        }
        var progress = await verifier.SubmitAsync(new ObjectKey(run.Namespace, run.Name), identity, request, cancellationToken).ConfigureAwait(false);
        if (progress.Result is not { } result)
        {
            // The place in line stays out of status: it changes whenever any verification ahead finishes, and writing it
            // would rewrite every waiting TinyImage's status per finished verification (quadratic at 5,000 waiting).
            var (reason, message) = progress.State == VerificationState.Running
                ? (Conditions.ReasonVerificationRunning, "verifying " + digest)
                : (Conditions.ReasonVerificationQueued, $"verification of {digest} waits for a free slot");
            run.SetCondition(Conditions.SbomVerified, Conditions.Unknown, reason, message);
            return StepResult.Wait(reason, message);
        }

        // A passed verification is Debug: the "is now Ready" line follows (one Information line per state change on the
        // way to Ready, issue 17); a refusal or a failure is what a person looks for, and stays Information.
        logger.Log(result.Passed ? LogLevel.Debug : LogLevel.Information, "Verified {Namespace}/{Name} {Digest}: {Reason}", run.Namespace, run.Name, digest, result.Reason);
        BuildTelemetry.Verified(result);
        if (!result.Passed && VerificationReasons.IsTransient(result.Reason))
        {
            run.SetCondition(Conditions.SbomVerified, Conditions.Unknown, result.Reason, result.Message);
            return StepResult.Wait(Conditions.ReasonVerifying, result.Message, StepResult.Recheck);
        }

        var verification = new VerificationStatus
        {
            Digest = digest,
            PolicyHash = policyKey,
            Passed = result.Passed,
            Reason = result.Reason,
            Message = result.Message,
            Retry = run.Retry,
        };
        if (!result.Passed)
        {
            run.Status.Verification = verification;
            return Refused(run, result.Reason, result.Message);
        }

        // Written only when it differs (compared by its annotations: the cache holds no data), so verifying again a
        // digest whose facts status does not hold yet (a pass whose status write waited) costs no write.
        var desired = CachedForm.WithDataHash(SbomConfigMap(run, digest, policyKey, result.CycloneDxJson));
        var written = await ChildWriter.CreateOrUpdateAsync(
            cluster.ConfigMaps,
            cluster.ConfigMapCache,
            desired,
            run.Uid,
            actual => ChildWriter.IsSubset(desired.Metadata.Labels, actual.Metadata.Labels)
                && ChildWriter.IsSubset(desired.Metadata.Annotations, actual.Metadata.Annotations),
            actual =>
            {
                actual.Metadata.Labels = desired.Metadata.Labels;
                actual.Metadata.Annotations = ChildWriter.Merge(actual.Metadata.Annotations, desired.Metadata.Annotations);
                actual.Data = desired.Data;
            },
            cancellationToken,
            readCreated: false).ConfigureAwait(false);
        switch (written.Outcome)
        {
            case ApplyOutcome.NotOurs:
                return run.ChildInTheWay("ConfigMap", sbomName);
            case ApplyOutcome.Conflict:
                return StepResult.Retry;
        }

        // Recorded once its SBOM ConfigMap is ours: a name taken by another owner records nothing of the image.
        run.Status.Verification = verification;
        if (spec.Verify.Advisories is not null && result.CycloneDxJson is { } bom)
        {
            // Kept for the re-audit when the advisory database changes: the list this verification audited, no pull needed.
            packages?.Remember(digest, bom);
        }

        run.Status.Image = new ImageStatus
        {
            Reference = spec.Output.Repository + "@" + digest,
            Digest = digest,
            SizeBytes = result.ImageSizeBytes,
            LayerCount = result.LayerCount,
            Binary = spec.Binary,
            SpecHash = run.Hash,
        };
        run.Status.Sbom = result.Sbom is null ? null : new SbomStatus
        {
            PackageCount = result.Sbom.PackageCount,
            RootPackage = result.Sbom.RootPackage,
            Format = result.Sbom.Format,
            ConfigMapName = result.CycloneDxJson is null ? null : sbomName,
            Advisories = Summary(result.Advisories),
        };
        BuildRecords.Verified(run, digest, result);
        if (result.Advisories?.Counted.Count > 0)
        {
            // Warn: the image deploys; say what was found where a person looks (Deny refused it above).
            run.Warnings.Add((VerificationReasons.AdvisoryFound, result.Message));
        }

        return Verified(run, result.Message);
    }

    /// <summary>A stopped pass keeps the last verification facts.</summary>
    public void Skip(Reconciliation run)
    {
    }

    /// <summary>The policy the spec asks for.</summary>
    public static VerifyPolicy Policy(TinyImageSpec spec) => new(
        spec.Verify.RequireSbom,
        [.. spec.Verify.DenyPackages ?? []],
        spec.Verify.MaxImageSize?.ToInt64(),
        spec.Verify.ScratchOnly,
        null)
    {
        Advisories = spec.Verify.Advisories is { } advisories ? AdvisoryPolicyOf(advisories) : null,
    };

    /// <summary>Maps <c>verify.advisories</c> (already validated: ids, dates and enums are well-formed).</summary>
    public static AdvisoryPolicy AdvisoryPolicyOf(AdvisoriesSpec spec) => new(
        spec.Action == AdvisoriesSpec.ActionDeny ? AdvisoryAction.Deny : AdvisoryAction.Warn,
        [
            .. (spec.Ignore ?? []).Select(i => new AdvisoryIgnore(
                i.Id,
                i.Until is { } until ? DateOnly.ParseExact(until, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null,
                i.Reason)),
        ],
        spec.Informational,
        spec.MinSeverity switch
        {
            "none" => CvssSeverity.None,
            "low" => CvssSeverity.Low,
            "medium" => CvssSeverity.Medium,
            "high" => CvssSeverity.High,
            "critical" => CvssSeverity.Critical,
            _ => null,
        });

    /// <summary>The counts by severity of <paramref name="report"/> and its database revision, as <c>status.sbom.advisories</c> shows them.</summary>
    public static AdvisorySummary? Summary(AdvisoryReport? report) => report is null ? null : new AdvisorySummary
    {
        Critical = report.CountOf(CvssSeverity.Critical),
        High = report.CountOf(CvssSeverity.High),
        Medium = report.CountOf(CvssSeverity.Medium),
        Low = report.CountOf(CvssSeverity.Low) + report.CountOf(CvssSeverity.None),
        Unknown = report.CountOf(CvssSeverity.Unknown),
        NotCounted = report.Findings.Count - report.Counted.Count,
        DatabaseRevision = report.Revision,
    };

    /// <summary>Identifies what was verified: the build (hash and digest), the binary and the policy.</summary>
    internal static string PolicyKey(TinyImageSpec spec, string? hash, string digest)
    {
        var text = hash + "\n" + digest + "\n" + spec.Binary + "\n" + ApiJson.Serialize(spec.Verify);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static StepResult Verified(Reconciliation run, string message)
    {
        run.SetCondition(Conditions.SbomVerified, Conditions.True, VerificationReasons.Verified, message);
        return StepResult.Continue;
    }

    private static StepResult Refused(Reconciliation run, string reason, string message)
    {
        run.SetCondition(Conditions.SbomVerified, Conditions.False, reason, message);
        return StepResult.Fail(reason, message);
    }

    private static V1ConfigMap SbomConfigMap(Reconciliation run, string digest, string policyKey, string? cycloneDx) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = ChildMetadata.Metadata(
            run.TinyImage,
            SbomConfigMapName(run.Name),
            ChildMetadata.Labels(run.TinyImage, "sbom"),
            new Dictionary<string, string> { [VerifiedDigestAnnotation] = digest, [PolicyAnnotation] = policyKey }),
        Data = cycloneDx is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [SbomKey] = cycloneDx },
    };

    private static string? Annotation(V1ConfigMap? value, string key) =>
        value?.Metadata.Annotations?.TryGetValue(key, out var text) == true ? text : null;
}

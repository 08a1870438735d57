using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Controllers;

/// <summary>
/// Step 5: verify the built digest with <see cref="IImageVerifier"/> and, when it passes, record the image and its SBOM
/// (CycloneDX JSON in ConfigMap <c>NAME-sbom</c>). A digest verified under the same policy (noted on that ConfigMap) is
/// not verified again; a refusal recorded for this generation and digest stands until the spec or the retry annotation
/// changes. A refused image is never deployed: the previously verified one keeps serving.
/// </summary>
internal sealed class VerifyStep(ClusterView cluster, IImageVerifier verifier, ILogger logger)
{
    public const string SbomKey = "bom.cdx.json";
    public const string VerifiedDigestAnnotation = "tinyimage.dev/verified-digest";
    public const string PolicyAnnotation = "tinyimage.dev/verify-policy";

    /// <summary>The Containerfile ConfigMap's note of the retry value the last verification of its hash ran under.</summary>
    public const string VerifyRetryAnnotation = "tinyimage.dev/verify-retry";

    public static string SbomConfigMapName(string tinyImageName) => tinyImageName + "-sbom";

    public async Task<VerifyResult> EnsureAsync(ReconcilePass pass, string hash, string digest, BuildInputs inputs, CancellationToken cancellationToken)
    {
        using var span = OperatorTracing.Step("verify");
        var spec = pass.TinyImage.Spec;
        var policyKey = PolicyKey(spec, digest);
        var sbomConfigMap = cluster.ConfigMapCache.Get(pass.Namespace, SbomConfigMapName(pass.Name));
        if (ChildOwnership.Check(pass, sbomConfigMap, "ConfigMap") is { } foreign)
        {
            return VerifyResult.Of(foreign);
        }

        var condition = ConditionSet.Find(pass.Status.Conditions, Conditions.SbomVerified);
        if (pass.Status.Image?.Digest == digest && condition?.Status == Conditions.True)
        {
            if (BuildStep.Annotation(sbomConfigMap, PolicyAnnotation) != policyKey)
            {
                // The cache may lag behind our own write: ask the API before verifying again.
                sbomConfigMap = await cluster.ConfigMaps.GetAsync(pass.Namespace, SbomConfigMapName(pass.Name), cancellationToken).ConfigureAwait(false);
                if (ChildOwnership.Check(pass, sbomConfigMap, "ConfigMap") is { } foreignNow)
                {
                    return VerifyResult.Of(foreignNow);
                }
            }

            if (BuildStep.Annotation(sbomConfigMap, PolicyAnnotation) == policyKey)
            {
                return new VerifyResult(VerifyState.Verified, VerificationReasons.Verified, condition.Message ?? "verified");
            }
        }

        var buildConfigMap = cluster.ConfigMapCache.Get(pass.Namespace, ChildMetadata.BuildName(pass.Name, hash));
        var verifiedRetry = BuildStep.Annotation(buildConfigMap, VerifyRetryAnnotation);
        if (condition?.Status == Conditions.False && condition.ObservedGeneration == pass.Generation
            && pass.Status.Phase == Phases.Failed && verifiedRetry == pass.Retry)
        {
            return new VerifyResult(VerifyState.Refused, condition.Reason, condition.Message);
        }

        // Never verify (nor announce it) for an SBOM ConfigMap name another owner holds: the cache sees only ours.
        if (sbomConfigMap is null
            && ChildOwnership.Check(pass, await cluster.ConfigMaps.GetAsync(pass.Namespace, SbomConfigMapName(pass.Name), cancellationToken).ConfigureAwait(false), "ConfigMap") is { } taken)
        {
            return VerifyResult.Of(taken);
        }

        if (pass.Status.Phase != Phases.Verifying)
        {
            return new VerifyResult(VerifyState.Announce, Conditions.ReasonVerifying, "verifying " + digest);
        }

        var request = new VerificationRequest(spec.Output.Repository, digest, spec.Binary, Policy(spec), inputs.DockerConfigJson, spec.Output.Insecure);
        var result = await verifier.VerifyAsync(request, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Verified {Namespace}/{Name} {Digest}: {Reason}", pass.Namespace, pass.Name, digest, result.Reason);
        BuildTelemetry.Verified(result);
        if (buildConfigMap is not null && verifiedRetry != pass.Retry)
        {
            await NoteRetryAsync(buildConfigMap, pass.Retry, cancellationToken).ConfigureAwait(false);
        }

        if (!result.Passed)
        {
            var state = VerificationReasons.IsTransient(result.Reason) ? VerifyState.Unavailable : VerifyState.Refused;
            return new VerifyResult(state, result.Reason, result.Message);
        }

        var (sbomWritten, blocked) = await WriteSbomAsync(pass, sbomConfigMap, digest, policyKey, result.CycloneDxJson, cancellationToken).ConfigureAwait(false);
        if (blocked is not null)
        {
            return VerifyResult.Of(blocked);
        }

        if (!sbomWritten)
        {
            return new VerifyResult(VerifyState.Conflict, Conditions.ReasonVerifying, "the SBOM ConfigMap changed meanwhile");
        }

        pass.Status.Image = new ImageStatus
        {
            Reference = spec.Output.Repository + "@" + digest,
            Digest = digest,
            SizeBytes = result.ImageSizeBytes,
            LayerCount = result.LayerCount,
            Binary = spec.Binary,
            SpecHash = hash,
        };
        pass.Status.Sbom = result.Sbom is null ? null : new SbomStatus
        {
            PackageCount = result.Sbom.PackageCount,
            RootPackage = result.Sbom.RootPackage,
            Format = result.Sbom.Format,
            ConfigMapName = result.CycloneDxJson is null ? null : SbomConfigMapName(pass.Name),
        };
        return new VerifyResult(VerifyState.Verified, VerificationReasons.Verified, result.Message);
    }

    /// <summary>The policy the spec asks for.</summary>
    public static VerifyPolicy Policy(TinyImageSpec spec) => new(
        spec.Verify.RequireSbom,
        [.. spec.Verify.DenyPackages ?? []],
        spec.Verify.MaxImageSize?.ToInt64(),
        spec.Verify.ScratchOnly,
        null);

    /// <summary>Identifies what was verified: the digest, the binary and the policy.</summary>
    private static string PolicyKey(TinyImageSpec spec, string digest)
    {
        var text = digest + "\n" + spec.Binary + "\n" + ApiJson.Serialize(spec.Verify);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private async Task<(bool Written, StepProblem? Blocked)> WriteSbomAsync(ReconcilePass pass, V1ConfigMap? existing, string digest, string policyKey, string? cycloneDx, CancellationToken cancellationToken)
    {
        var desired = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = ChildMetadata.Metadata(
                pass.TinyImage,
                SbomConfigMapName(pass.Name),
                ChildMetadata.Labels(pass.TinyImage, "sbom"),
                new Dictionary<string, string> { [VerifiedDigestAnnotation] = digest, [PolicyAnnotation] = policyKey }),
            Data = cycloneDx is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [SbomKey] = cycloneDx },
        };
        if (existing is null)
        {
            var created = await cluster.ConfigMaps.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
            if (created.Outcome != WriteOutcome.AlreadyExists)
            {
                return (created.IsOk, null);
            }

            existing = await cluster.ConfigMaps.GetAsync(pass.Namespace, desired.Metadata.Name, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                return (false, null);
            }
        }

        if (ChildOwnership.Check(pass, existing, "ConfigMap") is { } foreign)
        {
            return (false, foreign);
        }

        var updated = ObjectCopy.Clone(existing, ResourceTypes.ConfigMaps.ItemInfo);
        updated.Metadata.Labels = desired.Metadata.Labels;
        updated.Metadata.Annotations ??= new Dictionary<string, string>();
        foreach (var (key, value) in desired.Metadata.Annotations!)
        {
            updated.Metadata.Annotations[key] = value;
        }

        updated.Data = desired.Data;
        return ((await cluster.ConfigMaps.ReplaceAsync(updated, cancellationToken).ConfigureAwait(false)).IsOk, null);
    }

    private async Task NoteRetryAsync(V1ConfigMap configMap, string? retry, CancellationToken cancellationToken)
    {
        var patch = new System.Text.Json.Nodes.JsonObject
        {
            ["metadata"] = new System.Text.Json.Nodes.JsonObject
            {
                ["annotations"] = new System.Text.Json.Nodes.JsonObject { [VerifyRetryAnnotation] = retry },
            },
        };
        await cluster.ConfigMaps.PatchAsync(configMap.Metadata.NamespaceProperty, configMap.Metadata.Name, PatchType.Merge, patch.ToJsonString(), cancellationToken).ConfigureAwait(false);
    }
}

using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Sources;
using TinyImage.Operator.Policy;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Step 1: validate the spec (once per pass), find the source ConfigMap (its content feeds the build hash) and the
/// Secrets, and compute the build hash. A problem stalls the TinyImage with the field or object named; the workload
/// keeps running. A git branch or tag is resolved to its commit through <see cref="SourceRevisions"/> (owner of
/// <c>status.source</c>); the commit is part of the build hash. A validation that ran out of time (a pattern's match
/// timeout on a loaded machine) is no verdict on the spec: the pass ends and is retried with backoff, nothing stalls.
/// </summary>
internal sealed class InputsReconciler(ClusterView cluster, OperatorOptions options, SourceRevisions? sources = null, BuildPlanner? planner = null, ValidatedSpecs? validated = null, Func<Api.V1Alpha1.TinyImage, SpecValidation>? validator = null, ILogger? logger = null) : ISubReconciler
{
    private readonly ValidatedSpecs validated = validated ?? new ValidatedSpecs();

    private readonly BuildPlanner planner = planner ?? new BuildPlanner(UnavailableToolchainResolver.Instance, options, NullLogger.Instance);
    private readonly Func<Api.V1Alpha1.TinyImage, SpecValidation>? validate = validator;
    private readonly ILogger logger = logger ?? NullLogger.Instance;

    public string Name => "inputs";

    public string Phase => Phases.Pending;

    public async Task<StepResult> ReconcileAsync(Reconciliation run, CancellationToken cancellationToken)
    {
        // The one validation of the pass (none when this generation was found valid before): every error, each with its
        // field; a spec a retry cannot fix stops without a requeue.
        SpecValidation validation;
        try
        {
            validation = validate is null ? validated.Validate(run.TinyImage) : validate(run.TinyImage);
        }
        catch (RegexMatchTimeoutException e)
        {
            logger.LogWarning("Validating {Namespace}/{Name} ran out of time matching {Pattern}; trying again with backoff", run.Namespace, run.Name, e.Pattern);
            return StepResult.Retry;
        }

        if (validation.Valid is not { } valid)
        {
            return StepResult.Stop(Conditions.ReasonInvalidSpec, validation.Message);
        }

        // The admin's policy, before any Secret is read or child written: a denied TinyImage builds nothing.
        if (PolicyEvaluator.Evaluate(valid, options) is { Count: > 0 } denied)
        {
            return StepResult.Stop(Conditions.ReasonPolicyDenied, string.Join("; ", denied));
        }

        var spec = valid.Spec;
        foreach (var (field, name) in BuildSecretNames(spec))
        {
            if (await cluster.Secrets.GetAsync(run.Namespace, name, cancellationToken).ConfigureAwait(false) is null)
            {
                return StepResult.Stop(Conditions.ReasonSecretNotFound, "Secret " + name + " (" + field + ") does not exist in namespace " + run.Namespace, StepResult.Recheck);
            }
        }

        string? sourceDigest = null;
        if (spec.Source.ConfigMap is { } source)
        {
            var configMap = await cluster.ConfigMaps.GetAsync(run.Namespace, source.Name, cancellationToken).ConfigureAwait(false);
            if (configMap is null)
            {
                return StepResult.Stop(Conditions.ReasonSourceNotFound, "ConfigMap " + source.Name + " (spec.source.configMap) does not exist in namespace " + run.Namespace, StepResult.Recheck);
            }

            sourceDigest = BuildHash.DigestConfigMapData(configMap.Data, configMap.BinaryData);
        }

        // A missing Secret and one without the keys the build needs read the same in status: a tenant who may create
        // TinyImages learns nothing of the namespace's other Secrets (their existence, type or keys) from it.
        GitCredential? gitCredential = null;
        if (spec.Source.Git?.CredentialsSecret is { } credentials)
        {
            var gitSecret = await cluster.Secrets.GetAsync(run.Namespace, credentials, cancellationToken).ConfigureAwait(false);
            if (gitSecret?.Data is not { } gitData || !gitData.ContainsKey("username") || !gitData.ContainsKey("password"))
            {
                return StepResult.Stop(Conditions.ReasonSecretNotFound, Unusable(credentials, "spec.source.git.credentialsSecret", run.Namespace, "the keys username and password"), StepResult.Recheck);
            }

            gitCredential = SourceRevision.Credential(gitSecret);
        }

        var revision = await SourceRevision.ResolveAsync(run, sources, gitCredential, cancellationToken).ConfigureAwait(false);
        if (revision.Stop is { } unresolved)
        {
            return unresolved;
        }

        byte[]? dockerConfig = null;
        if (spec.Output.PushSecret is { } pushSecret)
        {
            var secret = await cluster.Secrets.GetAsync(run.Namespace, pushSecret, cancellationToken).ConfigureAwait(false);
            if (secret?.Data?.TryGetValue(".dockerconfigjson", out dockerConfig) != true)
            {
                return StepResult.Stop(Conditions.ReasonSecretNotFound, Unusable(pushSecret, "spec.output.pushSecret", run.Namespace, "the key .dockerconfigjson (type kubernetes.io/dockerconfigjson)"), StepResult.Recheck);
            }
        }

        run.Inputs = new BuildInputs(valid, sourceDigest, dockerConfig, revision.Commit, revision.RefName);
        return await planner.PlanAsync(run, sourceDigest, revision.Commit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One sentence for a Secret that is missing or lacks the build's keys, the same either way.</summary>
    private static string Unusable(string secret, string field, string ns, string keys) =>
        "Secret " + secret + " (" + field + ") is not usable: it must exist in namespace " + ns + " with " + keys;

    /// <summary>The first step is never skipped.</summary>
    public void Skip(Reconciliation run)
    {
    }

    /// <summary>Every build Secret the spec names, with its field: each must exist before the build starts.</summary>
    public static IEnumerable<(string Field, string Name)> BuildSecretNames(TinyImageSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Build.Secrets is not { } secrets)
        {
            yield break;
        }

        for (var i = 0; i < (secrets.CargoRegistries?.Count ?? 0); i++)
        {
            yield return ("spec.build.secrets.cargoRegistries[" + i + "].secretName", secrets.CargoRegistries![i].SecretName);
        }

        if (secrets.GitHttpsSecret is { } https)
        {
            yield return ("spec.build.secrets.gitHttpsSecret", https);
        }

        if (secrets.GitSshSecret is { } ssh)
        {
            yield return ("spec.build.secrets.gitSshSecret", ssh);
        }
    }
}

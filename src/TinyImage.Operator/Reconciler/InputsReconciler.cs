using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Step 1: validate the spec (once per pass), find the source ConfigMap (its content feeds the build hash) and the
/// Secrets, and compute the build hash. A problem stalls the TinyImage with the field or object named; the workload
/// keeps running.
/// </summary>
internal sealed class InputsReconciler(ClusterView cluster, OperatorOptions options, BuildPlanner? planner = null) : ISubReconciler
{
    private readonly BuildPlanner planner = planner ?? new BuildPlanner(UnavailableToolchainResolver.Instance, options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    public string Name => "inputs";

    public string Phase => Phases.Pending;

    public async Task<StepResult> ReconcileAsync(Reconciliation run, CancellationToken cancellationToken)
    {
        // The one validation of the pass: every error, each with its field; a spec a retry cannot fix stops without a requeue.
        var validation = SpecValidator.Validate(run.TinyImage);
        if (validation.Valid is not { } valid)
        {
            return StepResult.Stop(Conditions.ReasonInvalidSpec, validation.Message);
        }

        var spec = valid.Spec;
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

        if (spec.Source.Git?.CredentialsSecret is { } credentials
            && await cluster.Secrets.GetAsync(run.Namespace, credentials, cancellationToken).ConfigureAwait(false) is null)
        {
            return StepResult.Stop(Conditions.ReasonSecretNotFound, "Secret " + credentials + " (spec.source.git.credentialsSecret) does not exist in namespace " + run.Namespace, StepResult.Recheck);
        }

        byte[]? dockerConfig = null;
        if (spec.Output.PushSecret is { } pushSecret)
        {
            var secret = await cluster.Secrets.GetAsync(run.Namespace, pushSecret, cancellationToken).ConfigureAwait(false);
            if (secret is null)
            {
                return StepResult.Stop(Conditions.ReasonSecretNotFound, "Secret " + pushSecret + " (spec.output.pushSecret) does not exist in namespace " + run.Namespace, StepResult.Recheck);
            }

            if (secret.Data?.TryGetValue(".dockerconfigjson", out dockerConfig) != true)
            {
                return StepResult.Stop(Conditions.ReasonSecretNotFound, "Secret " + pushSecret + " (spec.output.pushSecret) has no .dockerconfigjson key: it must be of type kubernetes.io/dockerconfigjson", StepResult.Recheck);
            }
        }

        run.Inputs = new BuildInputs(valid, sourceDigest, dockerConfig);
        return await planner.PlanAsync(run, sourceDigest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first step is never skipped.</summary>
    public void Skip(Reconciliation run)
    {
    }
}

using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;

namespace TinyImage.Operator.Controllers;

/// <summary>Step 2: validate the spec, then find the source ConfigMap (its content feeds the hash) and the Secrets.</summary>
internal sealed class InputsStep(ClusterView cluster)
{
    /// <summary>Objects the operator does not watch are looked at again this often while missing.</summary>
    public static readonly TimeSpan MissingInputRecheck = TimeSpan.FromSeconds(30);

    public async Task<(BuildInputs? Inputs, StepProblem? Problem)> ResolveAsync(ReconcilePass pass, CancellationToken cancellationToken)
    {
        var errors = SpecValidator.Validate(pass.TinyImage);
        if (errors.Count > 0)
        {
            return (null, new StepProblem(Conditions.ReasonInvalidSpec, string.Join("; ", errors.Take(5)), null));
        }

        var spec = pass.TinyImage.Spec;
        string? sourceDigest = null;
        if (spec.Source.ConfigMap is { } source)
        {
            var configMap = await cluster.ConfigMaps.GetAsync(pass.Namespace, source.Name, cancellationToken).ConfigureAwait(false);
            if (configMap is null)
            {
                return (null, new StepProblem(Conditions.ReasonSourceNotFound, "ConfigMap " + source.Name + " (spec.source.configMap) does not exist in namespace " + pass.Namespace, MissingInputRecheck));
            }

            sourceDigest = BuildHash.DigestConfigMapData(configMap.Data, configMap.BinaryData);
        }

        if (spec.Source.Git?.CredentialsSecret is { } credentials
            && await cluster.Secrets.GetAsync(pass.Namespace, credentials, cancellationToken).ConfigureAwait(false) is null)
        {
            return (null, new StepProblem(Conditions.ReasonSecretNotFound, "Secret " + credentials + " (spec.source.git.credentialsSecret) does not exist in namespace " + pass.Namespace, MissingInputRecheck));
        }

        byte[]? dockerConfig = null;
        if (spec.Output.PushSecret is { } pushSecret)
        {
            var secret = await cluster.Secrets.GetAsync(pass.Namespace, pushSecret, cancellationToken).ConfigureAwait(false);
            if (secret is null)
            {
                return (null, new StepProblem(Conditions.ReasonSecretNotFound, "Secret " + pushSecret + " (spec.output.pushSecret) does not exist in namespace " + pass.Namespace, MissingInputRecheck));
            }

            if (secret.Data?.TryGetValue(".dockerconfigjson", out dockerConfig) != true)
            {
                return (null, new StepProblem(Conditions.ReasonSecretNotFound, "Secret " + pushSecret + " (spec.output.pushSecret) has no .dockerconfigjson key: it must be of type kubernetes.io/dockerconfigjson", MissingInputRecheck));
            }
        }

        return (new BuildInputs(sourceDigest, dockerConfig), null);
    }
}

using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Deploying;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;
using C = TinyImage.Api.V1Alpha1.Conditions;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Step 4, owner of the Deployed condition and of <c>status.deployment</c> and <c>status.serving</c>: ensure the
/// Deployment and the Service of the verified workload. The workload runs what was verified: the current spec's binary,
/// args, env and port once the current spec's image is verified; until then what status records as serving. Desired
/// and actual are compared semantically (<see cref="ChildComparer"/>), so a steady state costs no writes; only children
/// this TinyImage controls are written. A digest is named as serving only once its rollout is complete.
/// </summary>
internal sealed class DeployReconciler(ClusterView cluster, OperatorOptions options, ILogger logger) : ISubReconciler
{
    /// <summary>
    /// For each child instance found matching a desired spec, that spec (the member the comparison ignores and the SHA-256
    /// of its JSON): a later pass with the same desired spec over the same instance skips the semantic comparison (issue 17,
    /// eighth round: each pass compared the cached Service in full, through two JSON nodes). A cached instance is never
    /// changed (a change to the child is a new instance), and the entry lives only as long as the instance.
    /// </summary>
    private static readonly ConditionalWeakTable<object, string> Matched = new();

    public string Name => "deploy";

    public string Phase => Phases.Deploying;

    public async Task<StepResult> ReconcileAsync(Reconciliation run, CancellationToken cancellationToken)
    {
        using var span = OperatorTracing.Step(Name);
        if (run.TinyImage.Spec.Deploy.PinDigest is { } pin && BuildRecords.Find(run.Status, pin) is null)
        {
            // A pin can only name a verified build: the workload stays as it is, and the condition says why.
            Record(run, Observe(run));
            var refused = "spec.deploy.pinDigest " + pin + " is not in status.build.history (the last " + run.TinyImage.Spec.Build.HistoryLimit + " verified builds); the workload is left as it is";
            run.SetCondition(C.Deployed, C.False, C.ReasonPinDigestNotInHistory, refused);
            return StepResult.Fail(C.ReasonPinDigestNotInHistory, refused);
        }

        if (Workload(run, run.Hash) is not { } workload)
        {
            Record(run, WorkloadState.NoImage);
            return StepResult.Wait(C.ReasonWaitingForVerification, "no verified image yet");
        }

        // A workload recorded in status (an earlier spec's binary, args, env, port) is validated like a spec; the
        // current spec's own workload is the TinyImage validated at the start of the pass.
        var valid = run.Valid;
        if (!IsCurrentSpecs(run.TinyImage.Spec, workload) && AsVerified(run.TinyImage, workload) is var asVerified
            && ObjectCopy.Json(asVerified.Spec, ApiJson.TypeInfo<TinyImageSpec>()) != ObjectCopy.Json(valid.Spec, ApiJson.TypeInfo<TinyImageSpec>()))
        {
            var verified = SpecValidator.Validate(asVerified);
            if (verified.Valid is null)
            {
                return StepResult.Stop(C.ReasonInvalidSpec, "the verified workload in status.serving is invalid: " + verified.Message);
            }

            valid = verified.Valid;
        }

        var desired = DeploymentBuilder.Build(valid, workload.Reference!, workload.SpecHash!, options);
        // With an autoscaler owning spec.replicas, deploy.replicas is written at creation only: never compared, never
        // written back over the autoscaler's number, which every update keeps.
        var autoscaled = DeploymentBuilder.AutoscalerOwnsReplicas(valid);
        var deployment = await ApplyAsync(run, cluster.Deployments, cluster.DeploymentCache, desired, d => d.Spec,
            (d, s) =>
            {
                var kept = d.Spec?.Replicas;
                d.Spec = s;
                if (autoscaled)
                {
                    d.Spec.Replicas = kept;
                }
            },
            cancellationToken,
            ignoreInSpec: autoscaled ? "replicas" : null,
            generations: cluster.DeploymentGenerations,
            createdInfo: CachedForm.DeploymentEvents).ConfigureAwait(false);
        var replicas = autoscaled ? deployment.Value?.Spec?.Replicas ?? desired.Spec.Replicas ?? 1 : desired.Spec.Replicas ?? 1;
        if (deployment.Outcome == ApplyOutcome.NotOurs)
        {
            Record(run, new WorkloadState(workload, RolloutState.None, "the Deployment's name is taken", false, 0));
            return run.ChildInTheWay("Deployment", desired.Metadata.Name);
        }

        var service = ServiceBuilder.Build(run.Valid);
        var serviceApplied = await ApplyAsync(run, cluster.Services, cluster.ServiceCache, service, s => s.Spec, (s, spec) => s.Spec = spec, cancellationToken, readCreated: false).ConfigureAwait(false);
        if (deployment.Outcome == ApplyOutcome.Conflict || serviceApplied.Outcome == ApplyOutcome.Conflict)
        {
            return StepResult.Retry;
        }

        var state = Evaluate(deployment.Value, deployment.Written, workload, replicas);
        Record(run, state);
        if (serviceApplied.Outcome == ApplyOutcome.NotOurs)
        {
            return run.ChildInTheWay("Service", service.Metadata.Name);
        }

        switch (await RouteApplier.ApplyAsync(run, run.Valid, cluster, cancellationToken).ConfigureAwait(false))
        {
            case ApplyOutcome.NotOurs:
                return run.ChildInTheWay(run.Valid.Spec.Deploy.Route!.Kind, run.Name);
            case ApplyOutcome.Conflict:
                return StepResult.Retry;
            case ApplyOutcome.Created or ApplyOutcome.Updated:
                logger.LogInformation("Applied {Kind} {Namespace}/{Name}", run.Valid.Spec.Deploy.Route!.Kind, run.Namespace, run.Name);
                break;
        }

        return state.Rollout switch
        {
            RolloutState.Complete => StepResult.Continue,
            RolloutState.DeadlineExceeded => StepResult.Fail(C.ReasonProgressDeadlineExceeded, "the rollout of " + workload.Reference + " exceeded its progress deadline: " + state.Detail),
            _ => StepResult.Wait(C.ReasonDeploying, "waiting for the rollout of " + workload.Reference + ": " + state.Detail),
        };
    }

    /// <summary>An earlier step stopped the pass: the workload as the cache shows it, without writing.</summary>
    public void Skip(Reconciliation run) => Record(run, Observe(run));

    /// <summary>The workload as the cache shows it.</summary>
    public WorkloadState Observe(Reconciliation run)
    {
        if (Workload(run, hash: null) is not { } workload)
        {
            return WorkloadState.NoImage;
        }

        var deployment = cluster.DeploymentCache.Get(run.Namespace, run.Name);
        if (deployment is null || !ChildWriter.IsControlledBy(deployment, run.Uid))
        {
            return new WorkloadState(workload, RolloutState.None, "no Deployment", false, 0);
        }

        var container = deployment.Spec?.Template?.Spec?.Containers?.FirstOrDefault();
        var replicas = deployment.Spec?.Replicas ?? 1;
        return Evaluate(deployment, container?.Image != workload.Reference, workload, replicas);
    }

    /// <summary>
    /// What the Deployment runs: the current spec with the latest verified image once that image is the current
    /// spec's; until then the workload recorded as serving (or, before anything served, the verified image with the
    /// binary it was verified with). Null before any image is verified.
    /// </summary>
    public static ServingStatus? Workload(Reconciliation run, string? hash)
    {
        var (image, serving, spec) = (run.Status.Image, run.Status.Serving, run.TinyImage.Spec);
        if (spec.Deploy.PinDigest is { } pin && BuildRecords.Find(run.Status, pin) is { SpecHash: not null } pinned)
        {
            return new ServingStatus
            {
                Reference = spec.Output.Repository + "@" + pin,
                Digest = pin,
                SpecHash = pinned.SpecHash,
                Binary = pinned.Binary ?? spec.Binary,
                Args = spec.Deploy.Args is { Count: > 0 } pinnedArgs ? [.. pinnedArgs] : null,
                Env = spec.Deploy.Env is { Count: > 0 } pinnedEnv ? [.. pinnedEnv.Select(EnvVarStatus.From)] : null,
                ContainerPort = spec.Deploy.ContainerPort,
            };
        }

        if (image is not { Reference: not null, SpecHash: not null })
        {
            return serving is { Reference: not null, SpecHash: not null } ? serving : null;
        }

        var current = hash is not null ? image.SpecHash == hash : serving is null;
        if (!current && serving is { Reference: not null, SpecHash: not null })
        {
            return serving;
        }

        return new ServingStatus
        {
            Reference = image.Reference,
            Digest = image.Digest,
            SpecHash = image.SpecHash,
            Binary = image.Binary ?? spec.Binary,
            Args = spec.Deploy.Args is { Count: > 0 } args ? [.. args] : null,
            Env = spec.Deploy.Env is { Count: > 0 } env ? [.. env.Select(EnvVarStatus.From)] : null,
            ContainerPort = spec.Deploy.ContainerPort,
        };
    }

    /// <summary>The workload's part of the status: the Deployed condition, status.deployment and status.serving.</summary>
    private static void Record(Reconciliation run, WorkloadState state)
    {
        run.Workload = state;
        if (state.RolledOut)
        {
            run.Status.Serving = state.Workload;
        }

        if (state.Workload is not { } workload)
        {
            run.SetCondition(C.Deployed, C.False, C.ReasonWaitingForVerification, "no verified image yet");
            return;
        }

        run.Status.Deployment = new DeploymentStatus { Name = run.Name, ReadyReplicas = state.ReadyReplicas };
        var (status, reason, message) = state.Rollout switch
        {
            RolloutState.Complete => (C.True, C.ReasonAvailable, workload.Reference + " is rolled out"),
            RolloutState.DeadlineExceeded => (C.False, C.ReasonProgressDeadlineExceeded, state.Detail),
            _ => (C.False, C.ReasonDeploying, "waiting for the rollout of " + workload.Reference + ": " + state.Detail),
        };
        if (state.Rollout == RolloutState.Complete && run.TinyImage.Spec.Deploy.PinDigest == workload.Digest)
        {
            (reason, message) = (C.ReasonPinnedDigest, PinnedMessage(run, workload));
        }

        run.SetCondition(C.Deployed, status, reason, message);
    }

    /// <summary>What the Deployed condition says while a person's pin serves: the pin, and what it overrides.</summary>
    private static string PinnedMessage(Reconciliation run, ServingStatus workload)
    {
        var message = workload.Reference + " is rolled out as pinned by spec.deploy.pinDigest (a rollback without a build; a person's pin wins over verification)";
        var verified = ConditionSet.Find(run.Status.Conditions, C.SbomVerified);
        return verified?.Status == C.False
            ? message + "; the current build's image is refused and not deployed: " + verified.Reason + ": " + Text.Shorten(verified.Message ?? "", 300)
            : message;
    }

    /// <summary>
    /// Whether the workload is the current spec's own (its binary, args, env and port): the common case, decided without
    /// copying the TinyImage and serializing both specs (issue 17: per-pass allocations).
    /// </summary>
    internal static bool IsCurrentSpecs(TinyImageSpec spec, ServingStatus workload)
    {
        if ((workload.Binary ?? spec.Binary) != spec.Binary || (workload.ContainerPort ?? spec.Deploy.ContainerPort) != spec.Deploy.ContainerPort)
        {
            return false;
        }

        IList<string> args = spec.Deploy.Args ?? [], verifiedArgs = workload.Args ?? [];
        if (!args.SequenceEqual(verifiedArgs, StringComparer.Ordinal))
        {
            return false;
        }

        IList<EnvVarSpec> env = spec.Deploy.Env ?? [];
        IList<EnvVarStatus> verifiedEnv = workload.Env ?? [];
        if (env.Count != verifiedEnv.Count)
        {
            return false;
        }

        for (var i = 0; i < env.Count; i++)
        {
            var (a, b) = (EnvVarStatus.From(env[i]), verifiedEnv[i]);
            if (a.Name != b.Name || a.Value != b.Value || !SameKey(a.SecretKeyRef, b.SecretKeyRef) || !SameKey(a.ConfigMapKeyRef, b.ConfigMapKeyRef))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameKey(KeyReference? a, KeyReference? b) =>
        (a is null && b is null) || (a is not null && b is not null && a.Name == b.Name && a.Key == b.Key);

    /// <summary>The TinyImage with the binary, args, env and port the workload was verified and deployed with.</summary>
    private static Api.V1Alpha1.TinyImage AsVerified(Api.V1Alpha1.TinyImage tinyImage, ServingStatus workload)
    {
        var copy = ObjectCopy.Clone(tinyImage, TinyImageTypes.TinyImages.ItemInfo);
        copy.Spec.Binary = workload.Binary ?? copy.Spec.Binary;
        copy.Spec.Deploy.Args = workload.Args;
        copy.Spec.Deploy.Env = workload.Env is { } env ? [.. env.Select(e => e.ToSpec())] : null;
        copy.Spec.Deploy.ContainerPort = workload.ContainerPort ?? copy.Spec.Deploy.ContainerPort;
        return copy;
    }

    private static WorkloadState Evaluate(V1Deployment? deployment, bool written, ServingStatus workload, int replicas)
    {
        if (deployment is null)
        {
            return new WorkloadState(workload, RolloutState.InProgress, "creating the Deployment", false, 0);
        }

        var status = deployment.Status;
        var available = (status?.AvailableReplicas ?? 0) >= replicas;
        var (state, detail) = written
            ? (RolloutState.InProgress, "the Deployment was updated to run " + workload.Reference)
            : RolloutStatus.Of(deployment, replicas);
        return new WorkloadState(workload, state, detail, available, status?.ReadyReplicas ?? 0);
    }

    /// <summary>
    /// Creates or updates one child: labels and annotations merged in, the spec compared semantically. With
    /// <paramref name="generations"/> (a child cached without its spec), the desired spec's hash goes into an annotation
    /// and the cached child is compared by that hash and its generation; the spec is read and compared only when they
    /// do not say it is the operator's (<see cref="ChildWriter.CreateOrUpdateBySpecHashAsync{T}"/>). With
    /// <paramref name="readCreated"/> false (no generations), a created child's answer is not decoded; with
    /// <paramref name="createdInfo"/> (with generations), it is decoded with that metadata (the cached form's).
    /// </summary>
    private async Task<ApplyResult<T>> ApplyAsync<T, TSpec>(Reconciliation run, ResourceClient<T> client, ResourceCache<T> cache, T desired, Func<T, TSpec> spec, Action<T, TSpec> setSpec, CancellationToken cancellationToken, string? ignoreInSpec = null, OwnGenerations? generations = null, bool readCreated = true, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>? createdInfo = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TSpec : class
    {
        // Only the spec is serialized for the hash and the comparison, never the whole object (issue 17). The hash is taken
        // of its bytes (the same bytes as its JSON node's, CachedFormTests), and the node is built only for a comparison
        // or for a member the comparison ignores (issue 17, eighth round: no DOM per pass).
        var specInfo = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<TSpec>)client.Type.ItemInfo.Options.GetTypeInfo(typeof(TSpec));
        var desiredValue = spec(desired);
        System.Text.Json.Nodes.JsonNode? desiredNode = null;
        var nodeBuilt = false;
        System.Text.Json.Nodes.JsonNode? DesiredSpec()
        {
            if (!nodeBuilt)
            {
                desiredNode = SpecNode(desiredValue, specInfo);
                if (ignoreInSpec is not null && desiredNode is System.Text.Json.Nodes.JsonObject specObject)
                {
                    specObject.Remove(ignoreInSpec);
                }

                nodeBuilt = true;
            }

            return desiredNode;
        }

        // The hash of the whole desired spec's bytes, taken once per pass (the annotation and the match memo share it).
        string? desiredValueHash = null;
        string DesiredValueHash() => desiredValueHash ??= CachedForm.SpecHash(desiredValue, specInfo);

        if (generations is not null)
        {
            desired.Metadata.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
            desired.Metadata.Annotations[CachedForm.SpecHashAnnotation] = ignoreInSpec is null
                ? DesiredValueHash()
                : CachedForm.SpecHash(DesiredSpec());
        }

        string? desiredKey = null;
        bool Matches(T actual)
        {
            if (!ChildWriter.IsSubset(desired.Metadata.Labels, actual.Metadata.Labels) || !ChildWriter.IsSubset(desired.Metadata.Annotations, actual.Metadata.Annotations))
            {
                return false;
            }

            // The same instance found matching the same desired spec before: no semantic comparison again.
            desiredKey ??= ignoreInSpec + "|" + DesiredValueHash();
            if (Matched.TryGetValue(actual, out var matched) && matched == desiredKey)
            {
                return true;
            }

            if (!ChildComparer.Matches(DesiredSpec(), SpecNode(spec(actual), specInfo)))
            {
                return false;
            }

            Matched.AddOrUpdate(actual, desiredKey);
            return true;
        }

        void Mutate(T actual)
        {
            actual.Metadata.Labels = ChildWriter.Merge(actual.Metadata.Labels, desired.Metadata.Labels);
            actual.Metadata.Annotations = ChildWriter.Merge(actual.Metadata.Annotations, desired.Metadata.Annotations);
            setSpec(actual, spec(desired));
        }

        var result = generations is null
            ? await ChildWriter.CreateOrUpdateAsync(client, cache, desired, run.Uid, Matches, Mutate, cancellationToken, readCreated).ConfigureAwait(false)
            : await ChildWriter.CreateOrUpdateBySpecHashAsync(client, cache, desired, run.Uid, generations, Matches, Mutate, cancellationToken, createdInfo).ConfigureAwait(false);
        // A child created on the way to Ready is Debug (the "is now Ready" line says it, one line per state change, issue 17);
        // a change to a workload that already runs (an update, an adoption) stays Information.
        if (result.Written)
        {
            logger.Log(result.Outcome == ApplyOutcome.Created ? LogLevel.Debug : LogLevel.Information, "{Outcome} {Kind} {Namespace}/{Name}", result.Outcome, client.Type.Kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name);
        }

        return result;
    }

    /// <summary>A child's spec as JSON (null when it has none), serialized alone with its own source-generated metadata.</summary>
    private static System.Text.Json.Nodes.JsonNode? SpecNode<TSpec>(TSpec? value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TSpec> info)
        where TSpec : class =>
        value is null ? null : System.Text.Json.JsonSerializer.SerializeToNode(value, info);
}

using Microsoft.Extensions.Logging;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Oci;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Part of the inputs step: decides the build hash and why a build runs. The recorded build is kept while the
/// TinyImage's own inputs are unchanged (<see cref="PinnedBuildHash.Inputs"/>; for a build recorded by a release before
/// them, while its v1 hash still matches), so an operator upgrade that changes the hash's form or its pinned defaults
/// starts no build. A new build runs on a changed input (SpecChanged), a new retry annotation (Retry, any build), or,
/// for a TinyImage with <c>spec.build.rebuildOnToolchainUpdate</c>, a tracked toolchain tag that moved (NewToolchain,
/// checked every <see cref="OperatorOptions.ToolchainCheckInterval"/>). A new build's toolchain tags are resolved to
/// digests first, and the digests are part of its hash.
/// </summary>
internal sealed class BuildPlanner(IToolchainResolver resolver, OperatorOptions options, ILogger logger)
{
    /// <summary>The inputs digest of each TinyImage's current generation, source and commit (issue 17).</summary>
    private readonly InputDigests digests = new();

    /// <summary>TinyImages whose inputs digest is remembered; for tests.</summary>
    internal int RememberedInputs => digests.Count;

    /// <summary>Forgets a deleted TinyImage (its remembered inputs digest).</summary>
    public void Forget(string? uid) => digests.Forget(uid);

    public async Task<StepResult> PlanAsync(Reconciliation run, string? sourceDigest, string? commit, CancellationToken cancellationToken)
    {
        var valid = run.Valid;
        var inputs = digests.Inputs(valid, sourceDigest, commit);
        var recorded = run.Status.Build is { SpecHash: { } hash } build && BuildHash.IsValid(hash) ? build : null;
        // A build recorded before inputs were (an earlier release) is matched by its v1 hash, which had no commit: the
        // first commit resolved after the upgrade becomes its baseline instead of a rebuild.
        var sameInputs = recorded is not null && (recorded.Inputs is { } recordedInputs
            ? recordedInputs == inputs
            : BuildHash.Compute(valid, options, sourceDigest) == recorded.SpecHash
                || BuildHash.Compute(valid, options, sourceDigest, commit) == recorded.SpecHash
                || BuildHash.Compute(valid, PreviousReleaseDefaults.Apply(options), sourceDigest) == recorded.SpecHash);
        // Only the tracked ref moved: the recorded inputs come out again with the recorded commit.
        var newCommit = recorded is { Inputs: { } before, Commit: { } beforeCommit } && commit is not null && beforeCommit != commit
            && PinnedBuildHash.Inputs(valid, sourceDigest, beforeCommit) == before;
        var reason = recorded is null ? BuildReasons.FirstBuild
            : !sameInputs ? (newCommit ? BuildReasons.NewCommit : BuildReasons.SpecChanged)
            : run.RetryRequested ? BuildReasons.Retry
            : null;
        if (recorded is not null && sameInputs)
        {
            recorded.Commit ??= commit;
        }

        IReadOnlyList<ToolchainImage>? fresh = null;
        TimeSpan? recheck = null;
        if (reason is null)
        {
            (fresh, recheck) = await CheckToolchainAsync(run, valid, recorded!, cancellationToken).ConfigureAwait(false);
            if (fresh is null)
            {
                // The recorded build is kept: its pinned copy is made only if its Job has to be created again.
                var kept = recorded!.Toolchain is { Count: > 0 } recordedPins
                    ? new Lazy<ValidTinyImage>(() => ToolchainPins.Apply(valid, options, [.. recordedPins]) ?? valid, LazyThreadSafetyMode.None)
                    : new Lazy<ValidTinyImage>(valid);
                run.Hash = recorded.SpecHash;
                run.Plan = new BuildPlan(kept, null, recorded.Toolchain is null ? null : [.. recorded.Toolchain], inputs);
                return recheck is { } after ? new StepResult(StepAction.Continue, RequeueAfter: after) : StepResult.Continue;
            }

            reason = BuildReasons.NewToolchain;
            logger.LogInformation("{Namespace}/{Name}: a toolchain tag moved to a new digest; rebuilding", run.Namespace, run.Name);
        }

        if (fresh is null)
        {
            var (resolved, error) = await ResolveAsync(run, valid, cancellationToken).ConfigureAwait(false);
            if (resolved is null)
            {
                return StepResult.Stop(Conditions.ReasonToolchainUnresolved, error!, StepResult.Recheck);
            }

            fresh = resolved;
        }

        var pinned = ToolchainPins.Apply(valid, options, fresh);
        if (pinned is null)
        {
            return StepResult.Stop(Conditions.ReasonToolchainUnresolved, "a toolchain image pinned by digest is longer than spec.build.builderImage or kanikoImage allows (512 characters)");
        }

        run.Hash = PinnedBuildHash.Compute(pinned, options, sourceDigest, commit);
        run.Plan = new BuildPlan(pinned, reason, fresh, inputs);
        return Tracked(valid).Count > 0 && valid.Spec.Build.RebuildOnToolchainUpdate
            ? new StepResult(StepAction.Continue, RequeueAfter: options.ToolchainCheckInterval)
            : StepResult.Continue;
    }

    /// <summary>
    /// For a TinyImage that opted in and whose check is due: the toolchain when a tracked tag moved (a rebuild), else null
    /// (the check time is recorded; a build recorded before pinning takes the digests as its baseline). Also when to look again.
    /// </summary>
    private async Task<(IReadOnlyList<ToolchainImage>? Moved, TimeSpan? Recheck)> CheckToolchainAsync(Reconciliation run, ValidTinyImage valid, BuildStatus recorded, CancellationToken cancellationToken)
    {
        if (!valid.Spec.Build.RebuildOnToolchainUpdate || Tracked(valid).Count == 0)
        {
            return (null, null);
        }

        var interval = options.ToolchainCheckInterval;
        if (recorded.ToolchainCheckedTime is { } checkedAt && run.Now - new DateTimeOffset(DateTime.SpecifyKind(checkedAt, DateTimeKind.Utc)) < interval)
        {
            return (null, new DateTimeOffset(DateTime.SpecifyKind(checkedAt, DateTimeKind.Utc)) + interval - run.Now);
        }

        var (fresh, error) = await ResolveAsync(run, valid, cancellationToken).ConfigureAwait(false);
        if (fresh is null)
        {
            logger.LogWarning("{Namespace}/{Name}: the toolchain check failed, trying again later: {Error}", run.Namespace, run.Name, error);
            return (null, StepResult.Recheck);
        }

        recorded.ToolchainCheckedTime = run.Now.UtcDateTime;
        if (recorded.Toolchain is null)
        {
            recorded.Toolchain = [.. fresh];
            return (null, interval);
        }

        return ToolchainPins.Same(recorded.Toolchain, fresh) ? (null, interval) : (fresh, null);
    }

    /// <summary>Every toolchain image with its digest: resolved now for a tag, read from the reference when already pinned.</summary>
    private async Task<(IReadOnlyList<ToolchainImage>? Toolchain, string? Error)> ResolveAsync(Reconciliation run, ValidTinyImage valid, CancellationToken cancellationToken)
    {
        var toolchain = new List<ToolchainImage>();
        foreach (var (role, image) in ToolchainPins.Images(valid, options))
        {
            var digest = ToolchainPins.DigestOf(image);
            if (digest is null)
            {
                try
                {
                    digest = await resolver.ResolveAsync(image, valid.Spec.Output.Insecure, run.Inputs?.DockerConfigJson, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is RegistryException or OutboundRefusedException or HttpRequestException)
                {
                    return (null, "cannot resolve the " + role + " image " + image + " to a digest: " + Text.Shorten(e.Message, 300));
                }
            }

            toolchain.Add(new ToolchainImage { Role = role, Image = image, Digest = digest });
        }

        return (toolchain, null);
    }

    private List<string> Tracked(ValidTinyImage valid) =>
        [.. ToolchainPins.Images(valid, options).Where(i => ToolchainPins.DigestOf(i.Image) is null).Select(i => i.Image)];
}

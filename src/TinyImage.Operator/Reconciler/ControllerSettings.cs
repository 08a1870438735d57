using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>Knobs of the controller's machinery that tests turn (production uses the defaults).</summary>
internal sealed record ControllerSettings
{
    /// <summary>The default of <see cref="ProgressDelay"/>.</summary>
    public static readonly TimeSpan DefaultProgressDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A verification or a rollout that lasts longer than this is reported in status while it runs; a quicker one is
    /// reported by the write that follows it (so a cache-hit verification and a quick rollout cost no write).
    /// </summary>
    public TimeSpan ProgressDelay { get; init; } = DefaultProgressDelay;

    public WorkQueueOptions Queue { get; init; } = new();

    /// <summary>Watch timeout and error backoff of every informer (namespaces, selector and resync are set per informer).</summary>
    public InformerOptions Informer { get; init; } = new();

    /// <summary>reportingInstance of Events.</summary>
    public string Instance { get; init; } = Environment.MachineName;

    /// <summary>Called after each reconcile pass with its key and result (tests count passes).</summary>
    public Action<ObjectKey, ReconcileResult>? OnReconciled { get; init; }

    /// <summary>Resolves git refs to commits (the operator's host sets one); null: git branches and tags are not resolved.</summary>
    public Sources.GitRefResolver? GitResolver { get; init; }

    /// <summary>The shortest git poll interval honoured (a spec's smaller pollIntervalSeconds is raised to it).</summary>
    public TimeSpan GitPollMinimum { get; init; } = Sources.SourceRevisions.DefaultMinimumInterval;

    /// <summary>Called once every informer cache has synced (readiness).</summary>
    public Action? OnSynced { get; init; }

    /// <summary>Resolves toolchain tags to digests; null: the registry, under the operator's outbound policy.</summary>
    public Building.IToolchainResolver? Toolchain { get; init; }
}

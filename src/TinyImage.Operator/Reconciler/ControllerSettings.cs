using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>Knobs of the controller's machinery that tests turn (production uses the defaults).</summary>
internal sealed record ControllerSettings
{
    public WorkQueueOptions Queue { get; init; } = new();

    /// <summary>Watch timeout and error backoff of every informer (namespaces, selector and resync are set per informer).</summary>
    public InformerOptions Informer { get; init; } = new();

    /// <summary>reportingInstance of Events.</summary>
    public string Instance { get; init; } = Environment.MachineName;

    /// <summary>Called after each reconcile pass with its key and result (tests count passes).</summary>
    public Action<ObjectKey, ReconcileResult>? OnReconciled { get; init; }

    /// <summary>Called once every informer cache has synced (readiness).</summary>
    public Action? OnSynced { get; init; }

    /// <summary>Resolves toolchain tags to digests; null: the registry, under the operator's outbound policy.</summary>
    public Building.IToolchainResolver? Toolchain { get; init; }
}

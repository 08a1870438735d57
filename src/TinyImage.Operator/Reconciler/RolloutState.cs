namespace TinyImage.Operator.Reconciler;

/// <summary>Where the Deployment's rollout stands, by the rule of <c>kubectl rollout status</c>.</summary>
internal enum RolloutState
{
    /// <summary>No Deployment of a verified image (yet), or not ours.</summary>
    None,

    /// <summary>The Deployment controller has not caught up, or old or unavailable pods are left.</summary>
    InProgress,

    /// <summary>observedGeneration caught up; updated, available and total replicas all equal the desired count.</summary>
    Complete,

    /// <summary>The Progressing condition says ProgressDeadlineExceeded: the new pods do not become available.</summary>
    DeadlineExceeded,
}

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// One step of the pass, owning one part of the status (its condition and its facts). Steps run in order; a step that
/// stops the pass (<see cref="StepResult.EndsPass"/>) leaves the steps after it to <see cref="Skip"/>, which may record
/// what they observe without writing to the cluster.
/// </summary>
internal interface ISubReconciler
{
    /// <summary>The step's name, for traces.</summary>
    string Name { get; }

    /// <summary>The phase the TinyImage is in while this is the first step not done (Building, Verifying, Deploying).</summary>
    string Phase { get; }

    Task<StepResult> ReconcileAsync(Reconciliation run, CancellationToken cancellationToken);

    /// <summary>An earlier step ended the pass: record what this step observes, if anything, without writing to the cluster.</summary>
    void Skip(Reconciliation run);
}

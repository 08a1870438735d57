namespace TinyImage.Operator.Reconciler;

/// <summary>What a sub-reconciler found, and what the pass does next.</summary>
internal enum StepAction
{
    /// <summary>This step is done: run the next one.</summary>
    Continue,

    /// <summary>In progress (or waiting for an earlier step): the next steps still run; an event or the requeue brings the next pass.</summary>
    Wait,

    /// <summary>The step failed and a person must act (spec, retry annotation): the next steps still run (the workload keeps serving); phase Failed.</summary>
    Fail,

    /// <summary>A precondition is missing (an invalid spec, a missing input, a child name taken): the pass ends here; phase Failed.</summary>
    Stop,

    /// <summary>A write lost a race: the pass ends here and is retried with backoff; status is not written.</summary>
    Retry,
}

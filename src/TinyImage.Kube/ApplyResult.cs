namespace TinyImage.Kube;

/// <summary>The outcome of a create-or-update, with the object as last seen (null after a conflict).</summary>
public sealed record ApplyResult<T>(ApplyOutcome Outcome, T? Value)
    where T : class
{
    public bool Written => Outcome is ApplyOutcome.Created or ApplyOutcome.Updated;
}

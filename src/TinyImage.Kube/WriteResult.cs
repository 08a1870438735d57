namespace TinyImage.Kube;

/// <summary>Expected outcomes of a write; anything else is a <see cref="KubeApiException"/>.</summary>
public enum WriteOutcome
{
    /// <summary>Written; the result carries the server's copy.</summary>
    Ok,

    /// <summary>409 on replace or patch: the resourceVersion was stale. Re-read and retry.</summary>
    Conflict,

    /// <summary>409 AlreadyExists on create: an object of that name exists (adopt it).</summary>
    AlreadyExists,

    /// <summary>404: the object (or its namespace) is gone.</summary>
    NotFound,
}

/// <summary>The outcome of a create, replace or patch, with the server's copy when it succeeded.</summary>
public sealed record WriteResult<T>(WriteOutcome Outcome, T? Value)
    where T : class
{
    public bool IsOk => Outcome == WriteOutcome.Ok;

    public T Object => Value ?? throw new InvalidOperationException("The write did not succeed: " + Outcome);
}

namespace TinyImage.Operator.Sources;

/// <summary>The outcome of resolving a ref: its commit (and the full ref name, for HEAD the branch it points at), or why not.</summary>
internal sealed record GitResolution(string? Commit, string? RefName, GitResolveError? Error, string? Message)
{
    public bool Succeeded => Commit is not null;

    public static GitResolution Resolved(string commit, string? refName) => new(commit, refName, null, null);

    public static GitResolution Failed(GitResolveError error, string message) => new(null, null, error, message);
}

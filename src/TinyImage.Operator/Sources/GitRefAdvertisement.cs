namespace TinyImage.Operator.Sources;

/// <summary>
/// What a git server advertises for <c>git-upload-pack</c> (protocol v0/v1): every ref with its object id, the peeled
/// object of annotated tags (<c>refs/tags/T^{}</c>), the capabilities of the first line, and the ref HEAD points at
/// (the <c>symref=HEAD:...</c> capability), when the server says.
/// </summary>
/// <param name="Refs">Ref name (e.g. <c>refs/heads/main</c>, <c>HEAD</c>) to object id (lowercase hex).</param>
/// <param name="Peeled">Tag ref name (without <c>^{}</c>) to the object it peels to: the commit of an annotated tag.</param>
/// <param name="Capabilities">The capabilities after the NUL of the first ref line.</param>
/// <param name="HeadTarget">The ref HEAD is a symbolic ref to (e.g. <c>refs/heads/main</c>), or null.</param>
internal sealed record GitRefAdvertisement(
    IReadOnlyDictionary<string, string> Refs,
    IReadOnlyDictionary<string, string> Peeled,
    IReadOnlyList<string> Capabilities,
    string? HeadTarget)
{
    /// <summary>The commit a ref names: a tag's peeled commit when it is annotated, else the ref's own object id.</summary>
    public string? CommitOf(string refName) =>
        Peeled.TryGetValue(refName, out var peeled) ? peeled : Refs.TryGetValue(refName, out var id) ? id : null;
}

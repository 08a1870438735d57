namespace TinyImage.Operator.Sources;

/// <summary>
/// What one poll resolves: a repository, a full ref name (<c>refs/heads/B</c>, <c>refs/tags/T</c>, <c>HEAD</c>) and the
/// credentials Secret it is read with. TinyImages that share all three share one poll.
/// </summary>
internal sealed record GitRevisionKey(string Url, string RefName, string? CredentialsNamespace, string? CredentialsSecret)
{
    public override string ToString() => Url + "#" + RefName + (CredentialsSecret is null ? "" : " as " + CredentialsNamespace + "/" + CredentialsSecret);
}

namespace TinyImage.Operator.Sources;

/// <summary>Basic-auth credentials for a git host (a username and a password or token), from the GitSource's credentials Secret.</summary>
internal sealed record GitCredential(string Username, string Password)
{
    /// <summary>Never prints the password.</summary>
    public override string ToString() => "GitCredential(" + Username + ", ***)";
}

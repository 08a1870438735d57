namespace TinyImage.Operator.Registry;

/// <summary>A user name and password (or token used as password) for one registry.</summary>
internal sealed record RegistryCredential(string Username, string Password)
{
    /// <summary>Never print the password.</summary>
    public override string ToString() => $"RegistryCredential {{ Username = {Username} }}";
}

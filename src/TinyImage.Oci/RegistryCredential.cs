namespace TinyImage.Oci;

/// <summary>A user name and password (or token used as password) for one registry.</summary>
public sealed record RegistryCredential(string Username, string Password)
{
    /// <summary>Never print the password.</summary>
    public override string ToString() => $"RegistryCredential {{ Username = {Username} }}";
}

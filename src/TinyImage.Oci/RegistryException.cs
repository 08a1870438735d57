namespace TinyImage.Oci;

/// <summary>
/// A registry operation that failed for a named reason. Thrown inside the registry client (whose callers stream
/// data and cannot return a value from the middle of a read); <c>ImageVerifier</c> turns it into a
/// <see cref="Verification.VerificationResult"/> at the boundary.
/// </summary>
public sealed class RegistryException : Exception
{
    public RegistryException(RegistryErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public RegistryException()
        : this(RegistryErrorKind.Malformed, "Registry error.")
    {
    }

    public RegistryException(string message)
        : this(RegistryErrorKind.Malformed, message)
    {
    }

    public RegistryException(string message, Exception innerException)
        : this(RegistryErrorKind.Malformed, message, innerException)
    {
    }

    /// <summary>The reason.</summary>
    public RegistryErrorKind Kind { get; }
}

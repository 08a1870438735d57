namespace TinyImage.Advisories;

/// <summary>An advisory file, or a database archive, that does not have the RustSec format or breaks a limit.</summary>
public sealed class AdvisoryFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AdvisoryFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AdvisoryFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public AdvisoryFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

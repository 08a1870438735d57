namespace TinyImage.Oci.Layers;

/// <summary>The scratch directory (<see cref="ScratchSpace"/>) could not be used: missing, read-only, not ours, or full.
/// Not the image's fault, so a verification that meets it is retried and never cached.</summary>
public sealed class ScratchSpaceException : Exception
{
    public ScratchSpaceException()
        : this(ScratchSpace.ErrorName + ": the temporary directory cannot be used.")
    {
    }

    public ScratchSpaceException(string message)
        : base(message)
    {
    }

    public ScratchSpaceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

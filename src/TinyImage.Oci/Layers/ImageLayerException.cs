namespace TinyImage.Oci.Layers;

/// <summary>A layer that was refused, for a named reason. Raised while streaming a tar; mapped to a result by the verifier.</summary>
public sealed class ImageLayerException : Exception
{
    public ImageLayerException(LayerErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public ImageLayerException()
        : this(LayerErrorKind.Malformed, "Malformed layer.")
    {
    }

    public ImageLayerException(string message)
        : this(LayerErrorKind.Malformed, message)
    {
    }

    public ImageLayerException(string message, Exception innerException)
        : this(LayerErrorKind.Malformed, message, innerException)
    {
    }

    /// <summary>The reason.</summary>
    public LayerErrorKind Kind { get; }
}

namespace TinyImage.Operator.Building;

/// <summary>
/// The generated Containerfile is larger than <see cref="KanikoJobBuilder.MaxContainerfileBytes"/>, so it is not put
/// into the build Job's pod-template annotation (the API server limits an object's annotations to 256 KiB in total).
/// No spec that passes validation generates one this large today; the reconciler turns it into the Stalled reason
/// <c>ContainerfileTooLarge</c> instead of sending a Job the API server might refuse.
/// </summary>
internal sealed class ContainerfileTooLargeException : Exception
{
    public ContainerfileTooLargeException()
        : this(0, KanikoJobBuilder.MaxContainerfileBytes)
    {
    }

    public ContainerfileTooLargeException(string message)
        : base(message)
    {
    }

    public ContainerfileTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ContainerfileTooLargeException(int bytes, int limit)
        : base("the generated Containerfile has " + bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes, more than the "
            + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) + " the build Job's annotation " + KanikoJobBuilder.ContainerfileAnnotation + " may hold")
    {
        Bytes = bytes;
        Limit = limit;
    }

    /// <summary>The Containerfile's size in UTF-8 bytes.</summary>
    public int Bytes { get; }

    /// <summary>The limit it exceeds.</summary>
    public int Limit { get; }
}

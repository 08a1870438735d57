namespace TinyImage.Operator.Building;

/// <summary>
/// A builder was handed a spec that the schema and the spec validator should have refused (defence in depth):
/// unexpected, so an exception. The message names every offending field path.
/// </summary>
internal sealed class InvalidSpecException : Exception
{
    public InvalidSpecException(IReadOnlyList<SpecProblem> problems)
        : base(string.Join("; ", problems))
    {
        Problems = problems;
    }

    public InvalidSpecException()
        : this([])
    {
    }

    public InvalidSpecException(string message)
        : base(message)
    {
        Problems = [];
    }

    public InvalidSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    /// <summary>What is wrong, field by field.</summary>
    public IReadOnlyList<SpecProblem> Problems { get; }
}

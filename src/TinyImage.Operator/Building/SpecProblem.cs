namespace TinyImage.Operator.Building;

/// <summary>One thing wrong with a TinyImage, at a field path such as <c>spec.build.features[1]</c>.</summary>
internal sealed record SpecProblem(string Path, string Message)
{
    public override string ToString() => Path + ": " + Message;
}

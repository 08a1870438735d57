namespace TinyImage.Api;

/// <summary>One invalid field: its path (e.g. <c>spec.build.features[1]</c>) and what is wrong with it.</summary>
public sealed record FieldError(string Path, string Message)
{
    public override string ToString() => Path + ": " + Message;
}

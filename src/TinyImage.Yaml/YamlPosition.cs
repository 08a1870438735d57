namespace TinyImage.Yaml;

/// <summary>A 1-based line and column in a YAML text.</summary>
public sealed record YamlPosition(long Line, long Column)
{
    public override string ToString() => "line " + Line + ", column " + Column;
}

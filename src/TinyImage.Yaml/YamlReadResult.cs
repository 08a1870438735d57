namespace TinyImage.Yaml;

/// <summary>The documents of a YAML stream, or what is wrong with it and where.</summary>
public sealed record YamlReadResult(IReadOnlyList<YamlDocument> Documents, string? Error, YamlPosition? ErrorPosition)
{
    public bool Succeeded => Error is null;

    public static YamlReadResult Success(IReadOnlyList<YamlDocument> documents) => new(documents, null, null);

    public static YamlReadResult Failure(string error, YamlPosition? position) => new([], error, position);

    /// <summary>The error with its position, e.g. <c>line 3, column 5: duplicate key "binary"</c>.</summary>
    public string? DescribeError() => Error is null ? null : ErrorPosition is null ? Error : ErrorPosition + ": " + Error;
}

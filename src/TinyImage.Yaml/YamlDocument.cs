using System.Text.Json.Nodes;

namespace TinyImage.Yaml;

/// <summary>
/// One YAML document as JSON, with the position of every node by its path (<c>spec.build.features[1]</c>; keys that
/// are not simple identifiers as <c>["key"]</c>; the root is the empty path). A mapping entry's position is its key's.
/// </summary>
public sealed record YamlDocument(JsonNode? Root, IReadOnlyDictionary<string, YamlPosition> Positions)
{
    /// <summary>The position of <paramref name="path"/>, or of its nearest ancestor that has one.</summary>
    public YamlPosition? PositionOf(string path)
    {
        var current = path;
        while (true)
        {
            if (Positions.TryGetValue(current, out var position))
            {
                return position;
            }

            if (current.Length == 0)
            {
                return null;
            }

            current = YamlPaths.Parent(current);
        }
    }
}

using System.Text.Json;

namespace TinyImage.Sbom;

/// <summary>
/// Reads the cargo packages (name and version) back from a CycloneDX document <see cref="CycloneDxWriter"/> wrote: every
/// component whose purl is <c>pkg:cargo/...</c>, and <c>metadata.component</c> when it is one (a BOM without an image has
/// the root crate there). The same packages as the <see cref="AuditData"/> it was written from (the root first).
/// </summary>
public static class CycloneDxPackages
{
    private const string CargoPurl = "pkg:cargo/";

    /// <summary>The packages, or null when <paramref name="json"/> is not a CycloneDX JSON document.</summary>
    public static IReadOnlyList<(string Name, string Version)>? Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("bomFormat", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != "CycloneDX")
            {
                return null;
            }

            var packages = new List<(string, string)>();
            if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("component", out var subject))
            {
                Add(subject, packages);
            }

            if (root.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Array)
            {
                foreach (var component in components.EnumerateArray())
                {
                    Add(component, packages);
                }
            }

            return packages;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Add(JsonElement component, List<(string, string)> packages)
    {
        if (component.ValueKind == JsonValueKind.Object
            && Text(component, "purl") is { } purl && purl.StartsWith(CargoPurl, StringComparison.Ordinal)
            && Text(component, "name") is { } name && Text(component, "version") is { } version)
        {
            packages.Add((name, version));
        }
    }

    private static string? Text(JsonElement value, string property) =>
        value.TryGetProperty(property, out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
}

using System.Reflection;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using System.Xml.Linq;

namespace TinyImage.Operator.Crd;

/// <summary>
/// The XML documentation of the API types (TinyImage.Api), embedded at build time (see EmbedApiDocs in the csproj), as plain
/// descriptions: one line, whitespace collapsed, <c>&lt;c&gt;</c> as its text and <c>&lt;see cref&gt;</c> as the simple name.
/// </summary>
internal sealed class ApiDocs
{
    public const string ResourceName = "TinyImage.Operator.ApiDocs.xml";

    private readonly Dictionary<string, string> _summaries;

    private ApiDocs(Dictionary<string, string> summaries) => _summaries = summaries;

    /// <summary>The embedded documentation; throws when the build did not embed it (a broken build, not an outcome).</summary>
    public static ApiDocs Embedded { get; } = LoadEmbedded();

    /// <summary>Parses an XML documentation file.</summary>
    public static ApiDocs Parse(string xml)
    {
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in XDocument.Parse(xml).Descendants("member"))
        {
            var name = (string?)member.Attribute("name");
            var summary = member.Element("summary");
            if (name is not null && summary is not null)
            {
                summaries[name] = Flatten(summary);
            }
        }

        return new ApiDocs(summaries);
    }

    /// <summary>The summary of a type, or null.</summary>
    public string? ForType(Type type) => _summaries.GetValueOrDefault("T:" + DocName(type));

    /// <summary>The summary of the CLR property behind a JSON property, or null.</summary>
    public string? ForProperty(JsonPropertyInfo property) =>
        property.AttributeProvider is PropertyInfo { DeclaringType: { } declaring } clr
            ? _summaries.GetValueOrDefault("P:" + DocName(declaring) + "." + clr.Name)
            : null;

    private static string DocName(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    private static ApiDocs LoadEmbedded()
    {
        using var stream = typeof(ApiDocs).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("The API documentation resource " + ResourceName + " is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }

    private static string Flatten(XElement summary)
    {
        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    var cref = (string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? see.Value;
                    text.Append(cref[(cref.LastIndexOf('.') + 1)..]);
                    break;
                case XElement e:
                    text.Append(e.Value);
                    break;
            }
        }

        return string.Join(' ', text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}

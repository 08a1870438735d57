using System.Text;

namespace TinyImage.Kube;

/// <summary>Builds a URL query string, skipping null values.</summary>
public sealed class QueryBuilder
{
    private readonly StringBuilder text = new();

    public QueryBuilder Add(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        return this;
    }

    public override string ToString() => text.ToString();
}

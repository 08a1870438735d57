namespace TinyImage.Oci;

/// <summary>
/// A parsed <c>WWW-Authenticate</c> challenge: <c>Basic realm="..."</c> or
/// <c>Bearer realm="...",service="...",scope="..."</c>.
/// </summary>
public sealed record AuthChallenge(string Scheme, string? Realm, string? Service, string? Scope)
{
    public bool IsBearer => string.Equals(Scheme, "Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses one challenge (the first when several are given); null when the header is unusable.</summary>
    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var text = header.Trim();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? text : text[..space];
        if (scheme.Length == 0)
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? text.Length : space + 1;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }

            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    sb.Append(text[i]);
                    i++;
                }

                i++; // closing quote
                value = sb.ToString();
            }
            else
            {
                var comma = text.IndexOf(',', i);
                var end = comma < 0 ? text.Length : comma;
                value = text[i..end].Trim();
                i = end;
            }

            parameters.TryAdd(key, value);
        }

        return new AuthChallenge(
            scheme,
            parameters.GetValueOrDefault("realm"),
            parameters.GetValueOrDefault("service"),
            parameters.GetValueOrDefault("scope"));
    }
}

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>Splits a CEL rule into identifiers, literals, operators and punctuation (for the cost estimator).</summary>
internal static class CelTokens
{
    public static IReadOnlyList<CelToken> Read(string text)
    {
        var tokens = new List<CelToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var s = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new CelToken(CelTokenKind.Ident, text[s..i]));
            }
            else if (char.IsAsciiDigit(c))
            {
                var s = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                tokens.Add(new CelToken(CelTokenKind.Number, text[s..i]));
            }
            else if (c is '\'' or '"')
            {
                var s = i++;
                while (i < text.Length && text[i] != c)
                {
                    i += text[i] == '\\' ? 2 : 1;
                }

                i = Math.Min(i + 1, text.Length);
                tokens.Add(new CelToken(CelTokenKind.String, text[s..i]));
            }
            else if (c is '(' or ')' or '[' or ']' or '{' or '}' or ',' or '.' or ':')
            {
                tokens.Add(new CelToken(CelTokenKind.Punctuation, c.ToString()));
                i++;
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                var op = two is "==" or "!=" or "<=" or ">=" or "&&" or "||" ? two : c.ToString();
                tokens.Add(new CelToken(CelTokenKind.Operator, op));
                i += op.Length;
            }
        }

        return tokens;
    }
}

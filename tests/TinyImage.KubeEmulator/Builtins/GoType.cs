namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// A Go type of the built-in API (read from <see cref="GoTypeTable"/>): a scalar, a pointer/slice/map of an element
/// type, or a struct with its fields in declaration order (the order Go writes them).
/// </summary>
internal sealed class GoType
{
    private static readonly Lazy<Dictionary<string, GoType>> Structs = new(Load);

    private GoType(GoKind kind, string name, GoType? elem = null)
    {
        Kind = kind;
        Name = name;
        Elem = elem;
    }

    public GoKind Kind { get; }

    /// <summary>The Go spelling, for decode errors (<c>int32</c>, <c>v1.PodSpec</c>, ...).</summary>
    public string Name { get; }

    public GoType? Elem { get; }

    public IReadOnlyList<GoField> Fields { get; private set; } = [];

    /// <summary>Of a struct, the index in <see cref="Fields"/> of each field by its JSON name (embedded structs' excluded).</summary>
    public IReadOnlyDictionary<string, int> FieldIndex { get; private set; } = new Dictionary<string, int>();

    /// <summary>Of a struct, whether it embeds another (whose fields are read from the same object).</summary>
    public bool HasInline { get; private set; }

    /// <summary>A struct of the table by its qualified name, e.g. <c>apps.Deployment</c>.</summary>
    public static GoType Struct(string name) => Structs.Value[name];

    private static Dictionary<string, GoType> Load()
    {
        var lines = GoTypeTable.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var structs = new Dictionary<string, GoType>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var name = line[..line.IndexOf(' ', StringComparison.Ordinal)];
            structs[name] = new GoType(GoKind.Struct, name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..]);
        }

        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            var fields = new List<GoField>(parts.Length - 1);
            foreach (var spec in parts.AsSpan(1))
            {
                var colon = spec.IndexOf(':', StringComparison.Ordinal);
                var options = spec[(colon + 1)..].Split(',');
                var fieldName = spec[..colon];
                fields.Add(new GoField(fieldName, Parse(options[0], structs), options.Contains("oe"), options.Contains("oz"), fieldName == "^"));
            }

            var type = structs[parts[0]];
            type.Fields = fields;
            type.FieldIndex = fields.Select((f, i) => (f, i)).Where(x => !x.f.Inline).ToDictionary(x => x.f.Name, x => x.i, StringComparer.Ordinal);
            type.HasInline = fields.Any(f => f.Inline);
        }

        return structs;
    }

    private static GoType Parse(string expr, Dictionary<string, GoType> structs)
    {
        if (expr.StartsWith('*'))
        {
            var elem = Parse(expr[1..], structs);
            return new GoType(GoKind.Pointer, "*" + elem.Name, elem);
        }

        if (expr.StartsWith("[]", StringComparison.Ordinal))
        {
            var elem = Parse(expr[2..], structs);
            return new GoType(GoKind.Slice, "[]" + elem.Name, elem);
        }

        if (expr.StartsWith("map[string]", StringComparison.Ordinal))
        {
            var elem = Parse(expr["map[string]".Length..], structs);
            return new GoType(GoKind.Map, "map[string]" + elem.Name, elem);
        }

        return expr switch
        {
            "string" => new GoType(GoKind.String, "string"),
            "int32" => new GoType(GoKind.Int32, "int32"),
            "int64" or "int" => new GoType(GoKind.Int64, "int64"),
            "bool" => new GoType(GoKind.Bool, "bool"),
            "bytes" => new GoType(GoKind.Bytes, "[]uint8"),
            "quantity" => new GoType(GoKind.Quantity, "resource.Quantity"),
            "intorstring" => new GoType(GoKind.IntOrString, "intstr.IntOrString"),
            "time" => new GoType(GoKind.Time, "v1.Time"),
            "microtime" => new GoType(GoKind.MicroTime, "v1.MicroTime"),
            "raw" => new GoType(GoKind.Raw, "v1.FieldsV1"),
            _ => structs.TryGetValue(expr, out var s) ? s : throw new InvalidOperationException("unknown Go type " + expr),
        };
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// The API server's JSON round trip of a built-in object: decode into the Go type (case-sensitive field names,
/// unknown fields dropped, type errors refused), then encode as encoding/json does (struct field order, omitempty
/// and omitzero, null for nil non-omitempty pointers/slices/maps and zero times, sorted map keys, canonical
/// quantities, UTC times).
/// </summary>
internal static partial class GoJson
{
    private const string Rfc3339 = "2006-01-02T15:04:05Z07:00";
    private const string Rfc3339Micro = "2006-01-02T15:04:05.000000Z07:00";

    private readonly record struct Value(JsonNode? Json, bool Empty, bool Zero);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<GoType, Value> ZeroStructs = new();

    /// <summary>
    /// The object as the server stores it; throws <see cref="GoDecodeException"/> when the decoder refuses it. The round trip
    /// is done in place: <paramref name="input"/> (which the caller owns and gives up) becomes the result, every node whose
    /// value the encoder would write unchanged (a string, a bool, a canonical time or quantity, an object whose fields are
    /// already in Go's order) is kept, and only what changes is built anew. After a refusal the input is left part-decoded.
    /// </summary>
    public static JsonObject RoundTrip(JsonObject input, GoType type)
    {
        var path = GoPath.Rent();
        var output = (JsonObject)Decode(input, type, type.Name, path).Json!;
        GoPath.Release(path);
        return output;
    }

    /// <summary>
    /// The round trip of one top-level field of <paramref name="input"/> (null when Go would omit it), in place as
    /// <see cref="RoundTrip"/>: the result may be the field's own node, still in <paramref name="input"/>.
    /// </summary>
    public static JsonNode? RoundTripField(JsonObject input, GoType type, string field)
    {
        var f = type.Fields.First(x => x.Name == field);
        var raw = input[field];
        var path = GoPath.Rent();
        path.PushField(field);
        var value = Decode(raw, f.Type, type.Name, path);
        GoPath.Release(path);
        return (f.OmitEmpty && value.Empty) || (f.OmitZero && value.Zero) ? null : value.Json;
    }

    /// <summary>
    /// Decodes <paramref name="node"/> as <paramref name="type"/> and gives what encoding/json writes back: either
    /// <paramref name="node"/> itself (edited in place where needed, still attached to its parent) or a new node without a parent.
    /// </summary>
    private static Value Decode(JsonNode? node, GoType type, string owner, GoPath path)
    {
        var kind = node?.GetValueKind() ?? JsonValueKind.Null;
        switch (type.Kind)
        {
            case GoKind.Pointer:
                if (kind == JsonValueKind.Null)
                {
                    return new Value(null, true, true);
                }

                var target = Decode(node, type.Elem!, owner, path);
                return new Value(target.Json, false, false);
            case GoKind.Slice:
                if (kind == JsonValueKind.Null)
                {
                    return new Value(null, true, true);
                }

                if (node is not JsonArray array)
                {
                    throw Mismatch(kind, node, type, owner, path);
                }

                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    var decoded = Decode(item, type.Elem!, owner, path).Json;
                    if (!ReferenceEquals(decoded, item))
                    {
                        array[i] = decoded;
                    }
                }

                return new Value(array, array.Count == 0, false);
            case GoKind.Map:
                if (kind == JsonValueKind.Null)
                {
                    return new Value(null, true, true);
                }

                if (node is not JsonObject map)
                {
                    throw Mismatch(kind, node, type, owner, path);
                }

                var entries = path.RentFields();
                for (var i = 0; i < map.Count; i++)
                {
                    var (key, value) = map.GetAt(i);
                    path.PushKey(key);
                    var decoded = type.Elem!.Kind == GoKind.Quantity
                        ? DecodeQuantity(value, owner, path, roundToMilli: true)
                        : Decode(value, type.Elem!, owner, path);
                    path.Pop();
                    entries.Add(KeyValuePair.Create(key, decoded.Json));
                }

                entries.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                Refill(map, entries);
                var empty = entries.Count == 0;
                path.ReturnFields(entries);
                return new Value(map, empty, false);
            case GoKind.Struct:
                if (kind == JsonValueKind.Null)
                {
                    // An absent struct always encodes the same (its zero value): built once per type, then copied.
                    var zeroValue = ZeroStructs.GetOrAdd(type, static t => DecodeStruct(null, t, new GoPath()));
                    return zeroValue with { Json = zeroValue.Json?.DeepClone() };
                }

                if (node is not JsonObject)
                {
                    throw Mismatch(kind, node, type, owner, path);
                }

                return DecodeStruct(node as JsonObject, type, path);
            case GoKind.String:
                if (kind == JsonValueKind.Null)
                {
                    return new Value("", true, true);
                }

                if (kind != JsonValueKind.String)
                {
                    throw Mismatch(kind, node, type, owner, path);
                }

                var s = node!.GetValue<string>();
                return new Value(node, s.Length == 0, s.Length == 0);
            case GoKind.Int32:
            case GoKind.Int64:
                if (kind == JsonValueKind.Null)
                {
                    return type.Kind == GoKind.Int32 ? new Value(0, true, true) : new Value(0L, true, true);
                }

                if (kind != JsonValueKind.Number || !TryLong(node!, out var l)
                    || (type.Kind == GoKind.Int32 && l is < int.MinValue or > int.MaxValue))
                {
                    throw Mismatch(kind, node, type, owner, path);
                }

                if (IsWrittenInteger(node!))
                {
                    return new Value(node, l == 0, l == 0);
                }

                return type.Kind == GoKind.Int32 ? new Value((int)l, l == 0, l == 0) : new Value(l, l == 0, l == 0);
            case GoKind.Bool:
                if (kind == JsonValueKind.Null)
                {
                    return new Value(false, true, true);
                }

                if (kind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw Mismatch(kind, node, type, owner, path);
                }

                return new Value(node, kind == JsonValueKind.False, kind == JsonValueKind.False);
            case GoKind.Bytes:
                if (kind == JsonValueKind.Null)
                {
                    return new Value(null, true, true);
                }

                if (kind != JsonValueKind.String)
                {
                    throw Mismatch(kind, node, type, owner, path);
                }

                var text = node!.GetValue<string>();
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(text);
                }
                catch (FormatException)
                {
                    throw new GoDecodeException("illegal base64 data at input byte 0");
                }

                var base64 = Convert.ToBase64String(bytes);
                return new Value(base64 == text ? node : base64, bytes.Length == 0, false);
            case GoKind.Quantity:
                return DecodeQuantity(node, owner, path, roundToMilli: false);
            case GoKind.IntOrString:
                if (kind == JsonValueKind.String)
                {
                    return new Value(node, false, false);
                }

                if (kind == JsonValueKind.Null)
                {
                    return new Value(0, false, true);
                }

                if (kind != JsonValueKind.Number || !TryLong(node!, out var n) || n is < int.MinValue or > int.MaxValue)
                {
                    throw Mismatch(kind, node, type, owner, path);
                }

                return new Value((int)n, false, n == 0);
            case GoKind.Time:
            case GoKind.MicroTime:
                if (kind == JsonValueKind.Null)
                {
                    return new Value(null, false, true);
                }

                if (kind != JsonValueKind.String)
                {
                    throw Mismatch(kind, node, type, owner, path);
                }

                var written = node!.GetValue<string>();
                var formatted = FormatTime(written, type.Kind == GoKind.MicroTime);
                return new Value(ReferenceEquals(formatted, written) ? node : formatted, false, false);
            default:
                return new Value(node, node is null, node is null);
        }
    }

    private static Value DecodeStruct(JsonObject? input, GoType type, GoPath path)
    {
        var fields = path.RentFields();
        var zero = Gather(input, type, path, fields);
        var result = input is null ? new JsonObject(fields) : input;
        if (input is not null)
        {
            Refill(input, fields);
        }

        path.ReturnFields(fields);
        return new Value(result, false, zero);
    }

    /// <summary>Decodes the fields of <paramref name="type"/> from <paramref name="input"/> into <paramref name="fields"/>, in Go's order.</summary>
    private static bool Gather(JsonObject? input, GoType type, GoPath path, List<KeyValuePair<string, JsonNode?>> fields)
    {
        if (input is not null && !type.HasInline)
        {
            return GatherOwnFields(input, type, path, fields);
        }

        var zero = true;
        var merged = false;
        foreach (var field in type.Fields)
        {
            if (field.Inline)
            {
                // An embedded struct's fields are read from the same object and written in its place (a later field of the
                // same name replaces one written before, where it stands).
                var inner = path.RentFields();
                zero &= Gather(input, field.Type, path, inner);
                foreach (var entry in inner)
                {
                    Put(fields, entry.Key, entry.Value);
                }

                path.ReturnFields(inner);

                merged = true;
                continue;
            }

            JsonNode? raw = null;
            _ = input is not null && input.TryGetPropertyValue(field.Name, out raw);
            if (FieldValue(field, raw, type.Name, path, ref zero) is not { } value)
            {
                continue;
            }

            if (merged)
            {
                Put(fields, field.Name, value.Json);
            }
            else
            {
                // A struct's own fields have distinct names: only after an embedded struct's can one stand already.
                fields.Add(KeyValuePair.Create(field.Name, value.Json));
            }
        }

        return zero;
    }

    /// <summary>Sets <paramref name="key"/> as a JSON object's indexer does: replaced where it stands, else added at the end.</summary>
    private static void Put(List<KeyValuePair<string, JsonNode?>> fields, string key, JsonNode? value)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].Key == key)
            {
                fields[i] = KeyValuePair.Create(key, value);
                return;
            }
        }

        fields.Add(KeyValuePair.Create(key, value));
    }

    /// <summary>
    /// Makes <paramref name="target"/> hold exactly <paramref name="fields"/> in that order: in place when its keys are already
    /// those (only changed values replaced), else emptied and refilled. The values are its own nodes or new ones.
    /// </summary>
    /// <summary>
    /// <see cref="Gather"/> of a struct without embedded structs: the input's members are matched to the fields by name
    /// once (a struct has many more fields than a written object sets), then the fields are gathered in Go's order as there.
    /// </summary>
    private static bool GatherOwnFields(JsonObject input, GoType type, GoPath path, List<KeyValuePair<string, JsonNode?>> fields)
    {
        var count = type.Fields.Count;
        Span<int> member = count <= 256 ? stackalloc int[count] : new int[count];
        member.Fill(-1);
        var index = type.FieldIndex;
        for (var i = 0; i < input.Count; i++)
        {
            if (index.TryGetValue(input.GetAt(i).Key, out var f))
            {
                member[f] = i;
            }
        }

        var zero = true;
        for (var f = 0; f < count; f++)
        {
            var field = type.Fields[f];
            var raw = member[f] >= 0 ? input.GetAt(member[f]).Value : null;
            if (FieldValue(field, raw, type.Name, path, ref zero) is not { } value)
            {
                continue;
            }

            fields.Add(KeyValuePair.Create(field.Name, value.Json));
        }

        return zero;
    }

    private static void Refill(JsonObject target, List<KeyValuePair<string, JsonNode?>> fields)
    {
        var same = target.Count == fields.Count;
        for (var i = 0; same && i < fields.Count; i++)
        {
            same = string.Equals(target.GetAt(i).Key, fields[i].Key, StringComparison.Ordinal);
        }

        if (same)
        {
            for (var i = 0; i < fields.Count; i++)
            {
                if (!ReferenceEquals(target.GetAt(i).Value, fields[i].Value))
                {
                    target.SetAt(i, fields[i].Value);
                }
            }

            return;
        }

        target.Clear();
        foreach (var (key, value) in fields)
        {
            target.Add(key, value);
        }
    }

    /// <summary>
    /// Whether an absent (or null) field decodes to a value its tag omits: <see cref="Decode"/> of null is empty and zero for
    /// every kind but these: a quantity, an int-or-string or a time is zero but never empty, and a struct is never empty and
    /// zero only when its own fields are (its zero value is built once per type).
    /// </summary>
    /// <summary>
    /// One field of a struct decoded from <paramref name="raw"/> (null: absent), or null when its tag leaves it out of the
    /// output: absent and omitted, or empty under <c>omitempty</c> or zero under <c>omitzero</c>. <paramref name="zero"/>
    /// turns false when a decoded value is not its kind's zero.
    /// </summary>
    private static Value? FieldValue(GoField field, JsonNode? raw, string owner, GoPath path, ref bool zero)
    {
        if (raw is null && OmittedWhenAbsent(field))
        {
            // Decode(null) would give this kind's zero value, which the tag omits: nothing to build (zero unchanged).
            return null;
        }

        // The path only matters for a decode error, which needs a value (a null never fails): absent fields do not enter it.
        Value value;
        if (raw is null)
        {
            value = Decode(null, field.Type, owner, path);
        }
        else
        {
            path.PushField(field.Name);
            value = Decode(raw, field.Type, owner, path);
            path.Pop();
        }

        zero &= value.Zero;
        return (field.OmitEmpty && value.Empty) || (field.OmitZero && value.Zero) ? null : value;
    }

    private static bool OmittedWhenAbsent(GoField field) => field.Type.Kind switch
    {
        GoKind.Struct => field.OmitZero && ZeroStructs.GetOrAdd(field.Type, static t => DecodeStruct(null, t, new GoPath())).Zero,
        GoKind.Quantity or GoKind.IntOrString or GoKind.Time or GoKind.MicroTime => field.OmitZero,
        _ => field.OmitEmpty || field.OmitZero,
    };

    private static Value DecodeQuantity(JsonNode? node, string owner, GoPath path, bool roundToMilli)
    {
        var kind = node?.GetValueKind() ?? JsonValueKind.Null;
        if (kind == JsonValueKind.Null)
        {
            return new Value("0", false, true);
        }

        var text = kind == JsonValueKind.String ? node!.GetValue<string>() : node!.ToJsonString();
        if (kind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            throw new GoDecodeException($"json: cannot unmarshal {JsonName(kind, node)} into Go struct field {owner}.{path} of type resource.Quantity");
        }

        var canonical = Quantity.Canonical(text.Trim(), roundToMilli, out var error);
        if (canonical is null)
        {
            throw new GoDecodeException(error!);
        }

        return new Value(kind == JsonValueKind.String && canonical == text ? node : canonical, false, canonical == "0");
    }

    private static string FormatTime(string text, bool micro)
    {
        if (IsCanonicalTime(text, micro))
        {
            // Already as encoding/json writes it (UTC, seconds or six fraction digits, a valid date): the round trip is the identity.
            return text;
        }

        var layout = micro ? Rfc3339Micro : Rfc3339;
        var m = (micro ? MicroTimeText() : TimeText()).Match(text);
        if (!m.Success)
        {
            throw new GoDecodeException($"parsing time \"{text}\" as \"{layout}\": cannot parse \"{text}\" as \"{layout}\"");
        }

        try
        {
            static int I(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);
            var fraction = m.Groups[7].Success ? m.Groups[7].Value[1..] : "";
            var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], CultureInfo.InvariantCulture);
            var offset = TimeSpan.Zero;
            if (m.Groups[8].Value != "Z")
            {
                if (I(m.Groups[10]) >= 24 || I(m.Groups[11]) >= 60)
                {
                    throw new ArgumentOutOfRangeException(nameof(text));
                }

                offset = new TimeSpan(I(m.Groups[10]), I(m.Groups[11]), 0) * (m.Groups[9].Value == "-" ? -1 : 1);
            }

            var utc = new DateTime(I(m.Groups[1]), I(m.Groups[2]), I(m.Groups[3]), I(m.Groups[4]), I(m.Groups[5]), I(m.Groups[6]), DateTimeKind.Unspecified)
                .AddTicks(ticks) - offset;
            return micro
                ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)
                : utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new GoDecodeException($"parsing time \"{text}\": value out of range");
        }
    }

    /// <summary>
    /// Whether <paramref name="text"/> is a time exactly as <see cref="FormatTime"/> would write it: <c>yyyy-MM-ddTHH:mm:ssZ</c>
    /// (with <c>.ffffff</c> before the Z for a MicroTime) in ASCII digits, a year from 1 and a valid date and time of day. Most
    /// times a client sends are (the server's own, read back), and checking costs no regular expression.
    /// </summary>
    internal static bool IsCanonicalTime(string text, bool micro)
    {
        var length = micro ? 27 : 20;
        if (text.Length != length || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[length - 1] != 'Z')
        {
            return false;
        }

        if (micro && text[19] != '.')
        {
            return false;
        }

        for (var i = 0; i < length - 1; i++)
        {
            if (i is not (4 or 7 or 10 or 13 or 16 or 19) && !char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        int N(int at, int digits)
        {
            var n = 0;
            for (var i = 0; i < digits; i++)
            {
                n = (n * 10) + (text[at + i] - '0');
            }

            return n;
        }

        var (year, month, day) = (N(0, 4), N(5, 2), N(8, 2));
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && N(11, 2) < 24 && N(14, 2) < 60 && N(17, 2) < 60;
    }

    /// <summary>
    /// Whether a number node holds a .NET integer (not parsed JSON text, which may be written <c>-0</c> or <c>1e0</c>): it is
    /// written in the digits encoding/json writes for the decoded value, so the node can stand for it.
    /// </summary>
    private static bool IsWrittenInteger(JsonNode node) =>
        node is JsonValue v && !v.TryGetValue<JsonElement>(out _) && (v.TryGetValue<int>(out _) || v.TryGetValue<long>(out _));

    private static bool TryLong(JsonNode node, out long value)
    {
        var v = node.AsValue();
        if (v.TryGetValue<JsonElement>(out var e))
        {
            return e.TryGetInt64(out value);
        }

        if (v.TryGetValue(out value))
        {
            return true;
        }

        if (v.TryGetValue<int>(out var i))
        {
            value = i;
            return true;
        }

        if (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15)
        {
            value = (long)d;
            return true;
        }

        return false;
    }

    private static GoDecodeException Mismatch(JsonValueKind kind, JsonNode? node, GoType type, string owner, GoPath path) =>
        new($"json: cannot unmarshal {JsonName(kind, node)} into Go struct field {owner}.{path} of type {type.Name}");

    private static string JsonName(JsonValueKind kind, JsonNode? node) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Number => "number " + node!.ToJsonString(),
        _ => "null",
    };

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([.,]\d+)?(Z|([+-])(\d{2}):(\d{2}))$")]
    private static partial Regex TimeText();

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{6})(Z|([+-])(\d{2}):(\d{2}))$")]
    private static partial Regex MicroTimeText();
}

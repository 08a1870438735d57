using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>The etcd size check's bound: never below the size written, so that a bound within the limit proves the fit.</summary>
public sealed class JsonBytesTests
{
    public static TheoryData<string> Documents() => new()
    {
        """{}""",
        """[]""",
        """{"a":null,"b":[1,2.5,-3e10,true,false,null],"c":{"d":"e"}}""",
        """{"html":"<script>&'\"</script>","escapes":"a\nb\tc\\d\/e\u0001","unicode":"Grüße, 日本語, 😀"}""",
        """{"ünïcödé-kéy":"😀😀😀","big":12345678901234567890123,"small":-0.000000000000000000001}""",
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void The_Bound_Is_At_Least_The_Size_Written_Parsed_Or_Built(string json)
    {
        var parsed = JsonNode.Parse(json)!;
        var built = Rebuild(parsed)!;

        Assert.True(JsonBytes.SizeBound(parsed) >= JsonBytes.Size(parsed));
        Assert.True(JsonBytes.SizeBound(built) >= JsonBytes.Size(built));
    }

    [Fact]
    public void A_String_Of_Characters_The_Writer_Escapes_Is_Bounded_By_Six_Bytes_Each()
    {
        var node = new JsonObject { ["s"] = new string('<', 1000) + new string('\u00e9', 1000) + string.Concat(Enumerable.Repeat("\U0001F600", 500)) };

        Assert.True(JsonBytes.SizeBound(node) >= JsonBytes.Size(node));
        Assert.True(JsonBytes.Size(node) > 10_000); // escaped: 6 bytes per character (12 per surrogate pair)
    }

    [Fact]
    public void A_Value_Of_A_Type_It_Does_Not_Bound_Gives_No_Bound()
    {
        var node = new JsonObject { ["when"] = JsonValue.Create(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)) };

        Assert.Null(JsonBytes.SizeBound(node));
    }

    // The same document with every value built in code (strings, longs, doubles, bools), as the emulator's controllers build them.
    private static JsonNode? Rebuild(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Rebuild(kv.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Rebuild)]),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => JsonValue.Create(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => v.TryGetValue<long>(out var l) ? JsonValue.Create(l) : JsonValue.Create(v.GetValue<double>()),
        JsonValue v => JsonValue.Create(v.GetValue<bool>()),
        _ => null,
    };

    [Fact]
    public void A_Node_Written_From_Inside_Another_Write_On_The_Same_Thread_Leaves_Both_Intact()
    {
        var inner = JsonNode.Parse("""{"inner":[1,"two",{"three":3}]}""")!;
        byte[]? innerJson = null;

        var outer = JsonBytes.Of(w =>
        {
            w.WriteStartObject();
            w.WriteString("before", "x");
            innerJson = JsonBytes.Of(inner); // a list item whose JSON is made while the list is written
            w.WritePropertyName("item");
            w.WriteRawValue(innerJson, skipInputValidation: true);
            w.WriteEndObject();
        });

        Assert.Equal("""{"inner":[1,"two",{"three":3}]}""", System.Text.Encoding.UTF8.GetString(innerJson!));
        Assert.Equal("""{"before":"x","item":{"inner":[1,"two",{"three":3}]}}""", System.Text.Encoding.UTF8.GetString(outer));
        Assert.Equal("""{"a":1}""", System.Text.Encoding.UTF8.GetString(JsonBytes.Of(JsonNode.Parse("""{"a":1}""")!))); // the reused writer still works
    }

    [Fact]
    public void Writes_Nested_Deeper_Than_The_Pooled_Levels_Each_Give_Their_Own_Bytes_And_The_Buffers_Are_Reused_After()
    {
        // Each level writes its own text around the JSON of the level inside it, made while it is being written.
        static byte[] Nested(int depth) => JsonBytes.Of(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("depth", depth);
            if (depth < 6)
            {
                var inner = Nested(depth + 1);
                w.WritePropertyName("inner");
                w.WriteRawValue(inner, skipInputValidation: true);
            }

            w.WriteEndObject();
        });

        var expected = """{"depth":6}""";
        for (var d = 5; d >= 0; d--)
        {
            expected = $$"""{"depth":{{d}},"inner":{{expected}}}""";
        }

        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(Nested(0)));
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(Nested(0)));
        var big = new JsonObject { ["s"] = new string('x', 100_000) };
        Assert.Equal(100_008, JsonBytes.Of(big).Length); // a buffer grows for a large node
        Assert.Equal("""{"a":1}""", System.Text.Encoding.UTF8.GetString(JsonBytes.Of(JsonNode.Parse("""{"a":1}""")!)));
    }
}

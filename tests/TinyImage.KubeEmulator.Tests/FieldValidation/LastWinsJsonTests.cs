using System.Text;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.FieldValidation;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.FieldValidation;

/// <summary>The request body parser: Go's last-wins objects, and property names shared across requests read as they were written.</summary>
public sealed class LastWinsJsonTests
{
    public static TheoryData<string> Documents() => new()
    {
        """{"metadata":{"name":"a","labels":{"app.kubernetes.io/name":"x"}},"spec":{"replicas":2}}""",
        """{"esc\u0061ped":1,"\u00fcnicode-k\u00e9y":2,"ünïcödé":3,"tab\tname":4,"quote\"name":5}""",
        """{"a-name-longer-than-the-sixty-four-characters-that-are-shared-between-requests-xxxxxxxxxx":{"x":[1,{"y":null}]}}""",
        """{"":"empty name","k":"v"}""",
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void A_Body_Parses_As_System_Text_Json_Reads_It_The_Second_Time_As_The_First(string json)
    {
        var expected = JsonNode.Parse(json)!.ToJsonString();

        var first = LastWinsJson.Parse(Encoding.UTF8.GetBytes(json), duplicates: null)!;
        var second = LastWinsJson.Parse(Encoding.UTF8.GetBytes(json), duplicates: null)!;

        Assert.Equal(expected, first.ToJsonString());
        Assert.Equal(expected, second.ToJsonString());
    }

    [Fact]
    public void A_Number_Reads_As_System_Text_Json_Reads_It_Each_Time_Its_Text_Repeats_And_Each_Occurrence_Is_Its_Own_Node()
    {
        // Numbers are read once per distinct text into a shared element: the values must still be what JsonNode.Parse gives
        // (the exact text kept, any numeric type that holds it), and each occurrence its own node with its own parent.
        const string json = """{"a":1,"b":[1,1.0,-0,1e3,2.5E-3,9223372036854775807,18446744073709551616],"c":1,"d":123456789012345678901234567890123456789}""";

        for (var pass = 0; pass < 2; pass++)
        {
            var parsed = LastWinsJson.Parse(Encoding.UTF8.GetBytes(json), duplicates: null)!.AsObject();

            Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), parsed.ToJsonString());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), parsed));
            Assert.Equal(1, (int)parsed["a"]!);
            Assert.Equal(1L, (long)parsed["a"]!);
            Assert.Equal(1.0, (double)parsed["b"]![1]!);
            Assert.Equal(1000.0, (double)parsed["b"]![3]!);
            Assert.Equal(long.MaxValue, (long)parsed["b"]![5]!);
            Assert.False(parsed["b"]![6]!.AsValue().TryGetValue<long>(out _));
            Assert.Equal(System.Text.Json.JsonValueKind.Number, parsed["c"]!.GetValueKind());
            Assert.NotSame(parsed["a"], parsed["c"]);
            Assert.Same(parsed, parsed["a"]!.Parent);
            Assert.Same(parsed["b"], parsed["b"]![0]!.Parent);
        }
    }

    [Fact]
    public void A_Name_Seen_Before_Is_The_Same_String_And_An_Escaped_Spelling_Of_It_Reads_The_Same()
    {
        var first = LastWinsJson.Parse("""{"sharedNameForTheTest":1}"""u8, duplicates: null)!.AsObject();
        var second = LastWinsJson.Parse("""{"sharedNameForTheTest":2}"""u8, duplicates: null)!.AsObject();
        var escaped = LastWinsJson.Parse("""{"shared\u004eameForTheTest":3}"""u8, duplicates: null)!.AsObject();

        Assert.Same(first.GetAt(0).Key, second.GetAt(0).Key);
        Assert.Equal("sharedNameForTheTest", escaped.GetAt(0).Key);
        Assert.Equal(3, (int)escaped["sharedNameForTheTest"]!);
    }

    [Fact]
    public void A_Duplicate_Key_Keeps_The_Last_Value_And_Is_Named_Once_Per_Repeat_Escaped_Or_Not()
    {
        var duplicates = new List<string>();

        var parsed = LastWinsJson.Parse("""{"spec":{"paused":true,"p\u0061used":false,"paused":true},"spec":{"paused":false}}"""u8, duplicates)!;

        Assert.Equal("""{"spec":{"paused":false}}""", parsed.ToJsonString());
        Assert.Equal(["duplicate field \"paused\"", "duplicate field \"paused\"", "duplicate field \"spec\""], duplicates);
    }

    [Fact]
    public void A_Large_Object_Reads_Member_By_Member_With_Repeats_Before_And_After_Its_Thirty_Second_Member()
    {
        // Members are gathered on a stack up to 32 per object, then the object is filled one by one: both ways give the
        // document's order, a repeat keeps its first place with its last value and is named where it occurs.
        var members = Enumerable.Range(0, 40).Select(i => $"\"k{i}\":{{\"v\":[{i},\"s{i}\",{{\"n\":null}}]}}").ToList();
        members.Insert(10, "\"k3\":\"early repeat\"");
        members.Add("\"k5\":\"late repeat\"");
        members.Add("\"k35\":\"late repeat of a late member\"");
        var json = "{" + string.Join(",", members) + "}";
        var duplicates = new List<string>();

        var parsed = LastWinsJson.Parse(Encoding.UTF8.GetBytes(json), duplicates)!.AsObject();

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"k{i}"), parsed.Select(kv => kv.Key));
        Assert.Equal("early repeat", (string)parsed["k3"]!);
        Assert.Equal("late repeat", (string)parsed["k5"]!);
        Assert.Equal("late repeat of a late member", (string)parsed["k35"]!);
        Assert.Equal("""{"v":[39,"s39",{"n":null}]}""", parsed["k39"]!.ToJsonString());
        Assert.Equal(["duplicate field \"k3\"", "duplicate field \"k5\"", "duplicate field \"k35\""], duplicates);
    }

    [Fact]
    public void Nested_Objects_And_Arrays_Read_As_System_Text_Json_Reads_Them_And_Each_Node_Has_Its_Parent()
    {
        var json = """{"a":[[],[{}],[1,[2,[3,{"b":[{"c":{"d":[4,5,{"e":"f"}]}}]}]]],{"g":{}}],"h":{"i":{"j":[null,true,false,"x"]}},"k":[]}""";

        var parsed = LastWinsJson.Parse(Encoding.UTF8.GetBytes(json), duplicates: null)!;

        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), parsed.ToJsonString());
        Assert.Same(parsed, parsed["a"]!.Parent);
        Assert.Same(parsed["a"], parsed["a"]![2]!.Parent);
        Assert.Same(parsed["h"]!["i"], parsed["h"]!["i"]!["j"]!.Parent);
    }

    [Fact]
    public void A_Body_That_Fails_Halfway_Leaves_Nothing_Behind_For_The_Next_Body()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => LastWinsJson.Parse("""{"a":{"b":[1,2,{"c":"d","""u8, duplicates: null));

        var parsed = LastWinsJson.Parse("""{"x":[{"y":1}],"z":{}}"""u8, duplicates: null)!;

        Assert.Equal("""{"x":[{"y":1}],"z":{}}""", parsed.ToJsonString());
    }

    [Fact]
    public void A_String_Value_Seen_Before_Is_The_Same_String_And_Escaped_Long_Or_Non_Ascii_Ones_Read_As_Written()
    {
        var first = LastWinsJson.Parse("""{"image":"registry.example/shared-value-for-the-test:v1"}"""u8, duplicates: null)!;
        var second = LastWinsJson.Parse("""{"other":["registry.example/shared-value-for-the-test:v1"]}"""u8, duplicates: null)!;
        var escaped = LastWinsJson.Parse("""{"image":"registry.example\/shared-value-for-the-test:v1"}"""u8, duplicates: null)!;
        var longValue = new string('v', 100);
        var other = LastWinsJson.Parse(Encoding.UTF8.GetBytes($$"""{"long":"{{longValue}}","unicode":"Grüße","empty":""}"""), duplicates: null)!;

        Assert.Same(first["image"]!.GetValue<string>(), second["other"]![0]!.GetValue<string>());
        Assert.Equal("registry.example/shared-value-for-the-test:v1", escaped["image"]!.GetValue<string>());
        Assert.Equal(longValue, other["long"]!.GetValue<string>());
        Assert.Equal("Grüße", other["unicode"]!.GetValue<string>());
        Assert.Equal("", other["empty"]!.GetValue<string>());
    }
}

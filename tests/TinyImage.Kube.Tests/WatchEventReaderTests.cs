using System.Text;
using System.Text.Json;
using k8s.Models;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

public sealed class WatchEventReaderTests
{
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<V1ConfigMap> Info = k8s.SourceGenerationContext.Default.V1ConfigMap;

    [Fact]
    public void An_Added_Event_Carries_The_Object()
    {
        var line = """{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"demo","resourceVersion":"12"},"data":{"k":"v"}}}"""u8;

        var parsed = WatchEventReader.Parse(line, Info);

        Assert.Equal(WatchEventType.Added, parsed.Type);
        Assert.Equal("a", parsed.Object!.Metadata.Name);
        Assert.Equal("12", parsed.Object.Metadata.ResourceVersion);
        Assert.Equal("v", parsed.Object.Data["k"]);
    }

    [Fact]
    public void An_Object_The_Controller_Holds_At_The_Events_Version_Is_Taken_Instead_Of_Decoded()
    {
        var held = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a", NamespaceProperty = "demo", ResourceVersion = "12" } };
        var asked = new List<(ObjectKey, string)>();
        V1ConfigMap? Known(ObjectKey key, string resourceVersion)
        {
            asked.Add((key, resourceVersion));
            return key == new ObjectKey("demo", "a") && resourceVersion == "12" ? held : null;
        }

        // data is not a map here: decoding would throw, so taking the held object proves the event was not decoded.
        var same = WatchEventReader.Parse("""{"type":"MODIFIED","object":{"kind":"ConfigMap","data":[1],"metadata":{"labels":{"name":"x"},"resourceVersion":"12","namespace":"demo","name":"a"}}}"""u8, Info, Known);
        var newer = WatchEventReader.Parse("""{"type":"MODIFIED","object":{"metadata":{"name":"a","namespace":"demo","resourceVersion":"13"},"data":{"k":"v"}}}"""u8, Info, Known);
        var deleted = WatchEventReader.Parse("""{"type":"DELETED","object":{"metadata":{"name":"a","namespace":"demo","resourceVersion":"12"}}}"""u8, Info, Known);

        Assert.Same(held, same.Object);
        Assert.Equal(WatchEventType.Modified, same.Type);
        Assert.NotSame(held, newer.Object);
        Assert.Equal("v", newer.Object!.Data["k"]);
        Assert.NotSame(held, deleted.Object); // a deletion is always decoded: its object is the last state, not a write's answer
        Assert.Equal([(new ObjectKey("demo", "a"), "12"), (new ObjectKey("demo", "a"), "13")], asked);
    }

    [Fact]
    public void The_Object_May_Come_Before_The_Type_And_Unknown_Members_Are_Skipped()
    {
        var line = """{"object":{"metadata":{"name":"a","resourceVersion":"3"}},"extra":{"nested":[1,2,{"x":"}"}]},"type":"DELETED"}"""u8;

        var parsed = WatchEventReader.Parse(line, Info);

        Assert.Equal(WatchEventType.Deleted, parsed.Type);
        Assert.Equal("3", parsed.Object!.Metadata.ResourceVersion);
    }

    /// <summary>
    /// Issue 17, eighth round: an object after the type is taken to run to the line's last brace without a scan for its
    /// end. A line it does not fit that way (a member after the object, white space, braces inside strings) reads the same.
    /// </summary>
    [Theory]
    [InlineData("""{"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"3"},"data":{"k":"}"}}}""")]
    [InlineData(""" { "type" : "MODIFIED" , "object" : {"metadata":{"name":"a","resourceVersion":"3"},"data":{"k":"}"}} } """)]
    [InlineData("""{"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"3"},"data":{"k":"}"}},"extra":{"x":"}"}}""")]
    [InlineData("""{"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"3"},"data":{"k":"}"}},"extra":1}""")]
    [InlineData("""{"object":{"metadata":{"name":"a","resourceVersion":"3"},"data":{"k":"}"}},"type":"MODIFIED"}""")]
    public void An_Object_Reads_The_Same_Whether_Or_Not_It_Runs_To_The_Last_Brace(string line)
    {
        var parsed = WatchEventReader.Parse(Encoding.UTF8.GetBytes(line), Info);

        Assert.Equal(WatchEventType.Modified, parsed.Type);
        Assert.Equal(("a", "3", "}"), (parsed.Object!.Metadata.Name, parsed.Object.Metadata.ResourceVersion, parsed.Object.Data["k"]));
    }

    [Fact]
    public void A_Bookmark_Carries_Only_The_Resource_Version()
    {
        var line = """{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"9001"}}}"""u8;

        var parsed = WatchEventReader.Parse(line, Info);

        Assert.Equal(WatchEventType.Bookmark, parsed.Type);
        Assert.Equal("9001", parsed.Object!.Metadata.ResourceVersion);
    }

    [Fact]
    public void An_Error_Event_Carries_The_Status_With_Code_410()
    {
        var line = """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}"""u8;

        var parsed = WatchEventReader.Parse(line, Info);

        Assert.Equal(WatchEventType.Error, parsed.Type);
        Assert.Null(parsed.Object);
        Assert.Equal(410, parsed.Error!.Code);
        Assert.True(StatusErrors.FromStatus(parsed.Error, 500, "x", "y").IsGone);
    }

    [Theory]
    [InlineData("""{"type":"EXPLODED","object":{}}""")]
    [InlineData("""{"type":"ADDED"}""")]
    [InlineData("""["ADDED"]""")]
    [InlineData("""{"type":"ADDED","object":{"metadata":""")]
    [InlineData("""{"type":"ADDED","object":{"metadata":{"name":"a"},"data":{"k":}}}""")]
    [InlineData("""{"type":"ADDED","object":{"metadata":{"name":"a"}},"extra":}""")]
    [InlineData("""{"type":"ADDED","object":{"metadata":{"name":"a"}}""")]
    public void Malformed_Events_Are_Rejected(string line)
    {
        Assert.ThrowsAny<JsonException>(() => WatchEventReader.Parse(Encoding.UTF8.GetBytes(line), Info));
    }

    [Fact]
    public async Task A_Stream_Split_At_Every_Byte_Yields_Every_Event_In_Order()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= 50; i++)
        {
            text.Append("{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"cm-").Append(i)
                .Append("\",\"resourceVersion\":\"").Append(i).Append("\"},\"data\":{\"big\":\"").Append(new string('x', i * 100)).Append("\"}}}\n");
            if (i % 10 == 0)
            {
                text.Append("\r\n\n");
            }
        }

        text.Append("{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"77\"}}}"); // last line without a newline
        await using var stream = new TricklingStream(Encoding.UTF8.GetBytes(text.ToString()), chunk: 7);

        var events = new List<WatchEvent<V1ConfigMap>>();
        await foreach (var e in WatchEventReader.ReadAsync(stream, Info, TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        Assert.Equal(51, events.Count);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => "cm-" + i), events.Take(50).Select(e => e.Object!.Metadata.Name));
        Assert.Equal(5000, events[49].Object!.Data["big"].Length);
        Assert.Equal(WatchEventType.Bookmark, events[50].Type);
        Assert.Equal("77", events[50].Object!.Metadata.ResourceVersion);
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, like a slow chunked HTTP response.</summary>
    private sealed class TricklingStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.Protobuf;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// The Kubernetes protobuf envelope (<c>k8s\0</c> + runtime.Unknown) decoded as the server decodes it, for the kinds
/// kubectl's generators send; other kinds and broken bodies get the server's 415 and 400.
/// </summary>
public sealed class ProtobufTests
{
    [Fact]
    public void A_ConfigMap_Envelope_Decodes_To_Its_Json_With_Go_Zero_Values_Omitted()
    {
        var meta = Message(Str(1, "src"), Str(2, ""), Str(3, "team-a"), Entry(11, "app", "hello"));
        var configMap = Message(Field(1, meta), Entry(2, "main.rs", "fn main() {}"), Field(3, Message(Str(1, "blob"), Field(2, [0xff, 0x00]))));

        var decoded = KubeProtobuf.Decode(Envelope("v1", "ConfigMap", configMap));

        Assert.Equal(
            """{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"src","namespace":"team-a","labels":{"app":"hello"}},"data":{"main.rs":"fn main() {}"},"binaryData":{"blob":"/wA="}}""",
            decoded.ToJsonString());
    }

    [Fact]
    public void A_Secret_Keeps_Its_Type_And_Base64_Data()
    {
        var secret = Message(Field(1, Message(Str(1, "push"))), Field(2, Message(Str(1, ".dockerconfigjson"), Field(2, Encoding.UTF8.GetBytes("{}")))), Str(3, "kubernetes.io/dockerconfigjson"));

        var decoded = KubeProtobuf.Decode(Envelope("v1", "Secret", secret));

        Assert.Equal("e30=", (string?)decoded["data"]![".dockerconfigjson"]);
        Assert.Equal("kubernetes.io/dockerconfigjson", (string?)decoded["type"]);
    }

    [Fact]
    public void A_Body_Without_The_Magic_Prefix_Or_Truncated_Is_Refused_And_An_Unknown_Kind_Is_Not_Supported()
    {
        var configMap = Message(Field(1, Message(Str(1, "x"))));
        var envelope = Envelope("v1", "ConfigMap", configMap);

        Assert.Throws<FormatException>(() => KubeProtobuf.Decode(envelope.AsSpan(4)));
        Assert.Throws<FormatException>(() => KubeProtobuf.Decode(envelope.AsSpan(0, envelope.Length - 2)));
        Assert.Throws<NotSupportedException>(() => KubeProtobuf.Decode(Envelope("apps/v1", "Deployment", configMap)));
    }

    [Fact]
    public async Task A_Protobuf_Post_Of_An_Unsupported_Kind_Gets_415_And_A_Broken_One_400()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();

        var unsupported = await PostAsync(http, "/apis/apps/v1/namespaces/default/deployments", Envelope("apps/v1", "Deployment", Message(Field(1, Message(Str(1, "d"))))));
        var broken = await PostAsync(http, "/api/v1/namespaces/default/configmaps", [0x6b, 0x38, 0x73, 0x00, 0x12, 0x7f]);
        var created = await PostAsync(http, "/api/v1/namespaces/default/configmaps", Envelope("v1", "ConfigMap", Message(Field(1, Message(Str(1, "made"))), Entry(2, "k", "v"))));

        Assert.Equal((415, "UnsupportedMediaType"), (unsupported.Code, (string?)unsupported.Body["reason"]));
        Assert.Equal((400, "BadRequest"), (broken.Code, (string?)broken.Body["reason"]));
        Assert.Equal(201, created.Code);
        Assert.Equal("v", (string?)kube.Get("v1", "configmaps", "default", "made").Body["data"]!["k"]);
    }

    private static async Task<(int Code, JsonObject Body)> PostAsync(HttpClient http, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(KubeProtobuf.MediaType);
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, KubeHttp.Bounded());
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(KubeHttp.Bounded()))!.AsObject());
    }

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [0x6b, 0x38, 0x73, 0x00, .. Message(Field(1, Message(Str(1, apiVersion), Str(2, kind))), Field(2, raw))];

    private static byte[] Message(params byte[][] fields) => [.. fields.SelectMany(f => f)];

    private static byte[] Str(int number, string value) => Field(number, Encoding.UTF8.GetBytes(value));

    private static byte[] Entry(int number, string key, string value) => Field(number, Message(Str(1, key), Str(2, value)));

    private static byte[] Field(int number, byte[] value) => [.. Varint((ulong)((number << 3) | 2)), .. Varint((ulong)value.Length), .. value];

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}

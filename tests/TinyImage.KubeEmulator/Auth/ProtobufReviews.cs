using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>Decodes the protobuf bodies typed clients send for reviews and token requests (placeholder until needed).</summary>
internal static class ProtobufReviews
{
    public static JsonObject? Decode(byte[] body) => body.Length == 0 ? null : null;
}

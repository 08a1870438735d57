using System.Text.Json.Serialization;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>Source-generated JSON for the few plain values the rules serialize.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class BuiltinJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The cargo release profile. Defaults are the size recipe: strip symbols, opt-level "z", LTO, one codegen unit.</summary>
public sealed class ReleaseProfile
{
    /// <summary>What to strip from the binary: `none`, `debuginfo` or `symbols`. Stripping keeps the .dep-v0 section.</summary>
    [JsonPropertyName("strip")]
    [EnumValues("none", "debuginfo", "symbols")]
    [Default("\"symbols\"")]
    public string Strip { get; set; } = "symbols";

    /// <summary>The optimisation level: 0, 1, 2, 3, s or z.</summary>
    [JsonPropertyName("optLevel")]
    [EnumValues("0", "1", "2", "3", "s", "z")]
    [Default("\"z\"")]
    public string OptLevel { get; set; } = "z";

    /// <summary>Link-time optimisation: `true` (fat), `thin`, `off` or `false`.</summary>
    [JsonPropertyName("lto")]
    [EnumValues("true", "false", "thin", "fat", "off")]
    [Default("\"true\"")]
    public string Lto { get; set; } = "true";

    /// <summary>Codegen units; 1 gives the smallest binary.</summary>
    [JsonPropertyName("codegenUnits")]
    [Range(1, 256)]
    [Default("1")]
    public int CodegenUnits { get; set; } = 1;

    /// <summary>The panic strategy: `unwind` or `abort` (smaller; no unwinding).</summary>
    [JsonPropertyName("panic")]
    [EnumValues("unwind", "abort")]
    [Default("\"unwind\"")]
    public string Panic { get; set; } = "unwind";
}

using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The Gateway an HTTPRoute attaches to (its parentRef).</summary>
public sealed class GatewayParentRef
{
    /// <summary>The Gateway's name.</summary>
    [JsonPropertyName("name")]
    [Required]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string Name { get; set; } = "";

    /// <summary>The Gateway's namespace; defaults to the TinyImage's. The Gateway's listener must allow routes from it.</summary>
    [JsonPropertyName("namespace")]
    [Pattern(Patterns.DnsLabel)]
    [MaxLength(63)]
    public string? Namespace { get; set; }

    /// <summary>The Gateway listener's name (sectionName).</summary>
    [JsonPropertyName("sectionName")]
    [Pattern(Patterns.DnsLabel)]
    [MaxLength(63)]
    public string? SectionName { get; set; }
}

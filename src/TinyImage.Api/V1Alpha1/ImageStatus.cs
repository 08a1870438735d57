using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>A verified image.</summary>
public sealed class ImageStatus
{
    /// <summary>The digest-pinned reference, REPOSITORY@sha256:....</summary>
    [JsonPropertyName("reference")]
    public string? Reference { get; set; }

    /// <summary>The manifest digest.</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; set; }

    /// <summary>Compressed size of the layers plus config, in bytes.</summary>
    [JsonPropertyName("sizeBytes")]
    public long? SizeBytes { get; set; }

    /// <summary>Number of layers.</summary>
    [JsonPropertyName("layerCount")]
    public int? LayerCount { get; set; }

    /// <summary>The binary verified in the image (/bin/BINARY).</summary>
    [JsonPropertyName("binary")]
    public string? Binary { get; set; }

    /// <summary>The spec hash this image was built from.</summary>
    [JsonPropertyName("specHash")]
    public string? SpecHash { get; set; }
}

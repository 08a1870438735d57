using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Api.V1Alpha1;

/// <summary>A list of TinyImages, as the API server returns it.</summary>
public sealed class TinyImageList : IKubernetesObject<V1ListMeta>, IItems<TinyImage>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = TinyImage.ApiVersionValue;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = TinyImage.KindValue + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<TinyImage> Items { get; set; } = [];
}

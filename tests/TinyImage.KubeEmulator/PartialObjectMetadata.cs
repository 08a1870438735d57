using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// Metadata-only responses, as the API server gives them when the Accept header asks for
/// <c>application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1</c> (get and watch) or
/// <c>as=PartialObjectMetadataList</c> (list): each object becomes <c>{kind: PartialObjectMetadata,
/// apiVersion: meta.k8s.io/v1, metadata}</c> (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go,
/// <c>asPartialObjectMetadata</c> and <c>asPartialObjectMetadataList</c>). Metadata-only informers use it.
/// </summary>
internal static class PartialObjectMetadata
{
    public const string ApiVersion = "meta.k8s.io/v1";

    /// <summary>True when <paramref name="accept"/> asks for metadata only (either form: a watch or get names the
    /// single form, a list the list form; clients often send both).</summary>
    public static bool Wanted(string accept) =>
        accept.Contains("as=PartialObjectMetadata", StringComparison.Ordinal) && accept.Contains("g=meta.k8s.io", StringComparison.Ordinal);

    /// <summary>One object as PartialObjectMetadata.</summary>
    public static JsonObject Of(JsonObject obj) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = ApiVersion,
        ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
    };

    /// <summary>
    /// The JSON of <see cref="Of"/>(<paramref name="obj"/>), written from the object's own metadata (no copy of it, no
    /// intermediate tree): the same bytes.
    /// </summary>
    public static byte[] JsonOf(JsonObject obj) => JsonBytes.Of(w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", "PartialObjectMetadata");
        w.WriteString("apiVersion", ApiVersion);
        w.WritePropertyName("metadata");
        if (obj["metadata"] is { } metadata)
        {
            metadata.WriteTo(w);
        }
        else
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    });

    /// <summary>
    /// The metadata-only JSON of a watch event's object as <paramref name="type"/> serves it: read from the committed
    /// object itself when the API serves it as stored (committed objects are never mutated), else from its presented copy.
    /// </summary>
    public static byte[] JsonOf(ResourceType type, StoredEvent e)
    {
        var obj = e.Object;
        return JsonOf(ObjectStore.PresentsAsStored(type, obj) ? obj : ObjectStore.Present(type, obj));
    }

    /// <summary>A list as PartialObjectMetadataList (its metadata keeps resourceVersion and continue).</summary>
    public static JsonObject ListOf(JsonObject list) => new()
    {
        ["kind"] = "PartialObjectMetadataList",
        ["apiVersion"] = ApiVersion,
        ["metadata"] = list["metadata"]?.DeepClone() ?? new JsonObject(),
        ["items"] = new JsonArray([.. (list["items"] as JsonArray ?? []).OfType<JsonObject>().Select(i => (JsonNode)Of(i))]),
    };
}

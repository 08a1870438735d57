using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// The one call the object store makes before it commits a write: CRDs are validated as the apiextensions server
/// validates them; custom resources of a CRD with a schema are pruned, defaulted and validated (schema, then CEL).
/// Every stored object must also fit etcd's request limit. Mutates <paramref name="obj"/> (pruning, defaults);
/// returns the refusal, or null.
/// </summary>
internal static class CustomResourceAdmission
{
    /// <summary>etcd's default --max-request-bytes (1.5 MiB): a larger object cannot be stored.</summary>
    public const int MaxObjectBytes = 1536 * 1024;

    public static ApiResult? Admit(ResourceType type, JsonObject obj, JsonObject? old, bool statusOnly)
    {
        var name = (string?)obj["metadata"]?["name"] ?? "";
        if (type.Group == "apiextensions.k8s.io" && type.Plural == "customresourcedefinitions")
        {
            if (statusOnly)
            {
                return null;
            }

            CrdValidator.ApplyDefaults(obj);
            var errors = CrdValidator.Validate(obj, old);
            if (errors.Count > 0)
            {
                return InvalidStatus.Of("CustomResourceDefinition.apiextensions.k8s.io", "CustomResourceDefinition", "apiextensions.k8s.io", name, errors);
            }
        }
        else if (type.Schema is { } schema)
        {
            schema.PruneAndDefault(obj, old, statusOnly);
            var errors = schema.Validate(obj, old, statusOnly, out var rootRulesHeld);
            if (errors.Count > 0)
            {
                return InvalidStatus.Of(type, name, errors);
            }

            schema.MarkValidated(obj, rootRulesHeld);
        }

        // Written out only when a bound found without writing does not already show that it fits.
        if (!(JsonBytes.SizeBound(obj) <= MaxObjectBytes) && JsonBytes.Size(obj) > MaxObjectBytes)
        {
            // The API server passes etcd's refusal on as an internal error (kubernetes/kubernetes#112152).
            return ApiErrors.Status(500, "InternalError", "etcdserver: request is too large");
        }

        return null;
    }
}

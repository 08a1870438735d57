using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;

namespace TinyImage.Operator.Tests.Manifests;

/// <summary>
/// Test helper: reads a rendered Kubernetes object into its KubernetesClient model and writes it back. A field the
/// model does not know (a typo, a wrong level) is lost on the way, so comparing before and after finds it.
/// </summary>
internal static class KubeObjects
{
    private static readonly Dictionary<string, Func<JsonElement, string>> RoundTrips = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = Trip<V1Namespace>,
        ["v1/ServiceAccount"] = Trip<V1ServiceAccount>,
        ["v1/Service"] = Trip<k8s.Models.V1Service>,
        ["v1/ConfigMap"] = Trip<V1ConfigMap>,
        ["apps/v1/Deployment"] = Trip<k8s.Models.V1Deployment>,
        ["batch/v1/Job"] = Trip<k8s.Models.V1Job>,
        ["networking.k8s.io/v1/NetworkPolicy"] = Trip<k8s.Models.V1NetworkPolicy>,
        ["networking.k8s.io/v1/Ingress"] = Trip<k8s.Models.V1Ingress>,
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = Trip<V1ClusterRole>,
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = Trip<V1ClusterRoleBinding>,
        ["rbac.authorization.k8s.io/v1/Role"] = Trip<V1Role>,
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = Trip<V1RoleBinding>,
        ["apiextensions.k8s.io/v1/CustomResourceDefinition"] = Trip<V1CustomResourceDefinition>,
    };

    public static string Key(JsonObject o) => (string?)o["apiVersion"] + "/" + (string?)o["kind"];

    public static bool HasModel(JsonObject o) => RoundTrips.ContainsKey(Key(o));

    /// <summary>The first difference between the object and its typed round trip, or null when there is none.</summary>
    public static string? RoundTripDifference(JsonObject o)
    {
        var trip = RoundTrips[Key(o)];
        var back = JsonNode.Parse(trip(JsonSerializer.SerializeToElement(o)));
        return FirstDifference(o, back, Key(o) + " " + (string?)o["metadata"]?["name"]);
    }

    // KubernetesClient's own context knows every model (the operator's binary links only the kinds it uses); the API's
    // context adds JsonElement, for the CRD schema's defaults.
    private static readonly JsonSerializerOptions AllModels = CreateAllModels();

    private static string Trip<T>(JsonElement e)
    {
        var info = (JsonTypeInfo<T>)AllModels.GetTypeInfo(typeof(T));
        return JsonSerializer.Serialize(e.Deserialize(info)!, info);
    }

    private static JsonSerializerOptions CreateAllModels()
    {
        var options = new JsonSerializerOptions(k8s.SourceGenerationContext.Default.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(TinyImage.Api.ApiJsonContext.Default, k8s.SourceGenerationContext.Default),
        };
        options.MakeReadOnly();
        return options;
    }

    private static string? FirstDifference(JsonNode? a, JsonNode? b, string path)
    {
        switch (a, b)
        {
            case (JsonObject x, JsonObject y):
                foreach (var (key, value) in x)
                {
                    if (!y.ContainsKey(key))
                    {
                        return path + "." + key + ": lost in the typed round trip (unknown to the model?)";
                    }

                    if (FirstDifference(value, y[key], path + "." + key) is { } d)
                    {
                        return d;
                    }
                }

                return x.Count == y.Count ? null : path + ": the model added " + string.Join(", ", y.Select(kv => kv.Key).Except(x.Select(kv => kv.Key)));
            case (JsonArray x, JsonArray y):
                if (x.Count != y.Count)
                {
                    return path + ": " + x.Count + " items became " + y.Count;
                }

                for (var i = 0; i < x.Count; i++)
                {
                    if (FirstDifference(x[i], y[i], path + "[" + i + "]") is { } d)
                    {
                        return d;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(a, b) ? null : path + ": " + a?.ToJsonString() + " became " + b?.ToJsonString();
        }
    }
}

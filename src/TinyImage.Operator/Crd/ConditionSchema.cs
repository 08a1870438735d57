using System.Text.Json.Nodes;

namespace TinyImage.Operator.Crd;

/// <summary>The standard schema of a list of metav1.Condition, keyed by type (as controller-gen writes it).</summary>
internal static class ConditionSchema
{
    public const string ReasonPattern = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";

    public const string TypePattern =
        "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$";

    public static void Apply(JsonObject schema)
    {
        schema["type"] = "array";
        schema["items"] = new JsonObject
        {
            ["description"] = "Condition contains details for one aspect of the current state of this API Resource.",
            ["properties"] = new JsonObject
            {
                ["lastTransitionTime"] = new JsonObject
                {
                    ["description"] = "lastTransitionTime is the last time the condition transitioned from one status to another.",
                    ["format"] = "date-time",
                    ["type"] = "string",
                },
                ["message"] = new JsonObject
                {
                    ["description"] = "message is a human readable message indicating details about the transition.",
                    ["maxLength"] = 32768,
                    ["type"] = "string",
                },
                ["observedGeneration"] = new JsonObject
                {
                    ["description"] = "observedGeneration represents the .metadata.generation that the condition was set based upon.",
                    ["format"] = "int64",
                    ["minimum"] = 0,
                    ["type"] = "integer",
                },
                ["reason"] = new JsonObject
                {
                    ["description"] = "reason contains a programmatic identifier indicating the reason for the condition's last transition.",
                    ["maxLength"] = 1024,
                    ["minLength"] = 1,
                    ["pattern"] = ReasonPattern,
                    ["type"] = "string",
                },
                ["status"] = new JsonObject
                {
                    ["description"] = "status of the condition, one of True, False, Unknown.",
                    ["enum"] = new JsonArray("True", "False", "Unknown"),
                    ["type"] = "string",
                },
                ["type"] = new JsonObject
                {
                    ["description"] = "type of condition in CamelCase or in foo.example.com/CamelCase.",
                    ["maxLength"] = 316,
                    ["pattern"] = TypePattern,
                    ["type"] = "string",
                },
            },
            ["required"] = new JsonArray("lastTransitionTime", "message", "reason", "status", "type"),
            ["type"] = "object",
        };
        schema["x-kubernetes-list-map-keys"] = new JsonArray("type");
        schema["x-kubernetes-list-type"] = "map";
    }
}

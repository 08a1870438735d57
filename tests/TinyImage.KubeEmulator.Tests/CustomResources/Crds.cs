using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using TinyImage.Testing;

namespace TinyImage.KubeEmulator.Tests.CustomResources;

/// <summary>CRDs for the tests: the operator's committed one (config/crd/bases) and small hand-made ones.</summary>
internal static class Crds
{
    public const string Path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    /// <summary>The committed, generated TinyImage CRD (the operator's tests pin it to the generator's output).</summary>
    public static JsonObject TinyImage() =>
        YamlJson.Parse(File.ReadAllText(System.IO.Path.Combine(RepoPaths.Root, "config", "crd", "bases", "tinyimage.dev_tinyimages.yaml")))!.AsObject();

    /// <summary>A valid TinyImage of the generated CRD (a ConfigMap source), in namespace default.</summary>
    public static JsonObject TinyImageObject(string name) => new()
    {
        ["apiVersion"] = "tinyimage.dev/v1alpha1",
        ["kind"] = "TinyImage",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["source"] = new JsonObject { ["configMap"] = new JsonObject { ["name"] = "hello-src" } },
            ["binary"] = "hello",
            ["output"] = new JsonObject { ["repository"] = "registry.local:5000/hello" },
        },
    };

    /// <summary>The TinyImage CRD's one openAPIV3Schema.</summary>
    public static JsonObject SchemaOf(JsonObject crd) => crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();

    /// <summary>A namespaced example.com/v1 Thing CRD whose spec has the given properties (and optional rules).</summary>
    public static JsonObject Thing(JsonObject specProperties, JsonArray? specRules = null, JsonObject? rootExtra = null)
    {
        var spec = new JsonObject { ["type"] = "object", ["properties"] = specProperties };
        if (specRules is not null)
        {
            spec["x-kubernetes-validations"] = specRules;
        }

        var root = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["spec"] = spec },
        };
        foreach (var (k, v) in rootExtra ?? [])
        {
            root[k] = v?.DeepClone();
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "things.example.com" },
            ["spec"] = new JsonObject
            {
                ["group"] = "example.com",
                ["names"] = new JsonObject { ["kind"] = "Thing", ["plural"] = "things" },
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = "v1",
                    ["served"] = true,
                    ["storage"] = true,
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = root },
                }),
            },
        };
    }

    public static JsonObject ThingObject(string name, JsonObject spec) => new()
    {
        ["apiVersion"] = "example.com/v1",
        ["kind"] = "Thing",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = spec,
    };

    public const string ThingsPath = "/apis/example.com/v1/namespaces/default/things";

    /// <summary>The messages of a Status's causes, as "field: message".</summary>
    public static IReadOnlyList<string> Causes(JsonObject status) =>
        [.. (status["details"]?["causes"] as JsonArray ?? []).Select(c => (string?)c!["field"] + ": " + (string?)c["message"])];
}

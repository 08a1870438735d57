using System.Text.Json.Nodes;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Crd;
using TinyImage.Testing;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Operator.Tests.Crd;

public sealed class CrdGeneratorTests
{
    private const string Regenerate = " differs from the generated CRD. Regenerate: dotnet run --project src/TinyImage.Operator -- crd > "
        + CrdGenerator.BasesPath + " && dotnet run --project src/TinyImage.Operator -- crd --chart > " + CrdGenerator.ChartPath;

    [Fact]
    public void Committed_Crd_Equals_The_Generated_Yaml_Byte_For_Byte()
    {
        var committed = File.ReadAllText(RepoPaths.Repo(CrdGenerator.BasesPath));

        Assert.True(committed == CrdGenerator.Yaml(), CrdGenerator.BasesPath + Regenerate);
    }

    [Fact]
    public void Chart_Crd_Template_Equals_The_Generated_Chart_Form_Byte_For_Byte()
    {
        var committed = File.ReadAllText(RepoPaths.Repo(CrdGenerator.ChartPath));

        Assert.True(committed == CrdGenerator.ChartYaml(), CrdGenerator.ChartPath + Regenerate);
    }

    [Fact]
    public void Chart_Form_Is_The_Plain_Crd_Plus_Only_Template_Lines()
    {
        var plain = CrdGenerator.Yaml().Split('\n');
        var chart = CrdGenerator.ChartYaml().Split('\n');

        var chartWithoutAdditions = chart.Where(l => !l.Contains("{{", StringComparison.Ordinal)
            && l is not "  labels:" and not "  annotations:" and not "    helm.sh/resource-policy: keep").ToArray();

        Assert.Equal(plain, chartWithoutAdditions);
        Assert.StartsWith("{{- if .Values.crds.enabled }}\n", CrdGenerator.ChartYaml(), StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_Reads_Back_As_The_Generated_Json_Tree()
    {
        var parsed = Assert.Single(YamlReader.ReadRoots(CrdGenerator.Yaml()));

        Assert.True(JsonNode.DeepEquals(CrdGenerator.Build(), parsed), "the YAML writer changed a value");
    }

    [Fact]
    public void Crd_Names_Scope_And_Status_Subresource_Are_As_Declared()
    {
        var crd = CrdGenerator.Build();
        var spec = crd["spec"]!;
        var version = spec["versions"]![0]!;

        Assert.Equal("tinyimages.tinyimage.dev", (string?)crd["metadata"]!["name"]);
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        Assert.Equal("ti", (string?)spec["names"]!["shortNames"]![0]);
        Assert.Equal("tinyimage", (string?)spec["names"]!["categories"]![0]);
        Assert.Equal("v1alpha1", (string?)version["name"]);
        Assert.True((bool)version["served"]! && (bool)version["storage"]!);
        Assert.NotNull(version["subresources"]!["status"]);
        Assert.Equal(
            ["Phase", "Ready", "Digest", "Size", "Packages", "Age"],
            version["additionalPrinterColumns"]!.AsArray().Select(c => (string?)c!["name"]));
    }

    [Fact]
    public void Root_Metadata_Is_Exactly_Type_Object_And_The_Root_Rule_Guards_The_Name()
    {
        // apiextensions refuses anything else under root metadata (validateStructuralMetadataInvariants), even a description.
        var root = CrdGenerator.Build()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["type"] = "object" }, root["properties"]!["metadata"]));
        var rule = Assert.Single(root["x-kubernetes-validations"]!.AsArray());
        Assert.Equal(global::TinyImage.Api.V1Alpha1.TinyImage.NameRule, (string?)rule!["rule"]);
    }

    [Fact]
    public void Descriptions_Come_From_The_Xml_Doc_Comments()
    {
        var root = Schema();

        Assert.Equal(
            "The cargo binary target to build. It becomes /bin/BINARY in the image and its command.",
            (string?)root["properties"]!["spec"]!["properties"]!["binary"]!["description"]);
        Assert.StartsWith("A TinyImage builds a Rust service", (string?)root["description"], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_Property_Under_Spec_And_Status_Has_A_Description()
    {
        var missing = new List<string>();
        Walk(Schema()["properties"]!["spec"]!.AsObject(), "spec", missing);
        Walk(Schema()["properties"]!["status"]!.AsObject(), "status", missing);

        Assert.Empty(missing);

        static void Walk(JsonObject schema, string path, List<string> missing)
        {
            if (schema["description"] is null)
            {
                missing.Add(path);
            }

            foreach (var (name, child) in schema["properties"]?.AsObject() ?? [])
            {
                Walk(child!.AsObject(), path + "." + name, missing);
            }
        }
    }

    /// <summary>
    /// After a status write the operator keeps the status it sent as the stored one (<c>StatusPatcher</c>): that holds only
    /// while the server stores a status as sent, so no default may sit anywhere under status (the apiextensions server
    /// applies schema defaults on every write and read).
    /// </summary>
    [Fact]
    public void No_Default_Sits_Anywhere_Under_Status()
    {
        var found = new List<string>();
        Walk(Schema()["properties"]!["status"], "status", found);

        Assert.Empty(found);

        static void Walk(JsonNode? node, string path, List<string> found)
        {
            if (node is JsonObject o)
            {
                if (o.ContainsKey("default"))
                {
                    found.Add(path);
                }

                foreach (var (name, child) in o)
                {
                    Walk(child, path + "/" + name, found);
                }
            }
            else if (node is JsonArray a)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    Walk(a[i], path + "/" + i, found);
                }
            }
        }
    }

    [Fact]
    public void Markers_Become_Schema_Keywords()
    {
        var spec = Schema()["properties"]!["spec"]!;
        var build = spec["properties"]!["build"]!;
        var features = build["properties"]!["features"]!;
        var timeout = build["properties"]!["timeoutSeconds"]!;

        Assert.Equal(Patterns.CargoFeature, (string?)features["items"]!["pattern"]);
        Assert.Equal(64, (int)features["maxItems"]!);
        Assert.Equal(60, (long)timeout["minimum"]!);
        Assert.Equal(86400, (long)timeout["maximum"]!);
        Assert.Equal(1800, (long)timeout["default"]!);
        Assert.Equal(["binary", "output", "source"], spec["required"]!.AsArray().Select(r => (string?)r));
        Assert.Equal("scratch", (string?)build["properties"]!["base"]!["default"]);
        Assert.Equal(3, build["x-kubernetes-validations"]!.AsArray().Count);
    }

    [Fact]
    public void Quantities_Are_Int_Or_String_With_The_Quantity_Pattern()
    {
        var maxImageSize = Schema()["properties"]!["spec"]!["properties"]!["verify"]!["properties"]!["maxImageSize"]!;
        var limits = Schema()["properties"]!["spec"]!["properties"]!["deploy"]!["properties"]!["resources"]!["properties"]!["limits"]!;

        Assert.True((bool)maxImageSize["x-kubernetes-int-or-string"]!);
        Assert.Equal(SchemaMarkers.QuantityPattern, (string?)maxImageSize["pattern"]);
        Assert.Equal("object", (string?)limits["type"]);
        Assert.True((bool)limits["additionalProperties"]!["x-kubernetes-int-or-string"]!);
    }

    [Fact]
    public void Conditions_Are_A_List_Map_Keyed_By_Type_And_Times_Are_Date_Time()
    {
        var status = Schema()["properties"]!["status"]!["properties"]!;
        var conditions = status["conditions"]!;

        Assert.Equal("map", (string?)conditions["x-kubernetes-list-type"]);
        Assert.Equal("type", (string?)conditions["x-kubernetes-list-map-keys"]![0]);
        Assert.Equal(["lastTransitionTime", "message", "reason", "status", "type"], conditions["items"]!["required"]!.AsArray().Select(r => (string?)r));
        Assert.Equal("date-time", (string?)status["build"]!["properties"]!["startTime"]!["format"]);
    }

    [Fact]
    public void Crd_Verb_Prints_The_Yaml_And_Refuses_Unknown_Arguments()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, CrdCommand.Run([], output, error));
        Assert.Equal(CrdGenerator.Yaml(), output.ToString());
        Assert.Equal(2, CrdCommand.Run(["--bogus"], output, error));
        Assert.Contains("usage", error.ToString(), StringComparison.Ordinal);
    }

    private static JsonObject Schema() =>
        CrdGenerator.Build()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();
}

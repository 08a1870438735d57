using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.CustomResources;

/// <summary>
/// CRD creation refused or accepted as the apiextensions server decides. The schema cases and their expected errors are
/// upstream's (test/integration/apiserver's structural schema table, TestNonStructuralSchemaCondition... in
/// staging/src/k8s.io/apiextensions-apiserver/test/integration/validation_test.go): each expected error must be among the causes.
/// </summary>
public sealed class CrdValidationTests
{
    public static TheoryData<string, string, string[], string[]> UpstreamSchemaCases() => new()
    {
        {
            "missing types with extensions",
            """
            properties:
             foo:
               properties:
                 a: {}
             bar:
               items:
                 additionalProperties:
                   properties:
                     a: {}
                   items: {}
             abc:
               additionalProperties:
                 properties:
                   a:
                     items:
                       additionalProperties:
                         items:
             json:
               x-kubernetes-preserve-unknown-fields: true
               properties:
                 a: {}
             int-or-string:
               x-kubernetes-int-or-string: true
               properties:
                 a: {}
            """,
            [
                "spec.validation.openAPIV3Schema.properties[foo].properties[a].type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[foo].type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[int-or-string].properties[a].type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[json].properties[a].type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[abc].additionalProperties.properties[a].items.additionalProperties.type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[abc].additionalProperties.properties[a].items.type: Required value: must not be empty for specified array items",
                "spec.validation.openAPIV3Schema.properties[abc].additionalProperties.properties[a].type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[abc].additionalProperties.type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[abc].type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[bar].items.additionalProperties.items.type: Required value: must not be empty for specified array items",
                "spec.validation.openAPIV3Schema.properties[bar].items.additionalProperties.properties[a].type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[bar].items.additionalProperties.type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[bar].items.type: Required value: must not be empty for specified array items",
                "spec.validation.openAPIV3Schema.properties[bar].type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.type: Required value: must not be empty at the root",
            ],
            []
        },
        {
            "int-or-string variants",
            """
            type: object
            properties:
             a:
               x-kubernetes-int-or-string: true
             b:
               x-kubernetes-int-or-string: true
               anyOf:
               - type: integer
               - type: string
               allOf:
               - pattern: abc
             c:
               x-kubernetes-int-or-string: true
               allOf:
               - anyOf:
                 - type: integer
                 - type: string
               - pattern: abc
               - pattern: abc
             d:
               x-kubernetes-int-or-string: true
               anyOf:
               - type: integer
               - type: string
                 pattern: abc
             e:
               x-kubernetes-int-or-string: true
               allOf:
               - anyOf:
                 - type: integer
                 - type: string
                   pattern: abc
               - pattern: abc
             f:
               x-kubernetes-int-or-string: true
               anyOf:
               - type: integer
               - type: string
               - pattern: abc
             g:
               x-kubernetes-int-or-string: true
               anyOf:
               - type: string
               - type: integer
            """,
            [
                "spec.validation.openAPIV3Schema.properties[d].anyOf[0].type: Forbidden: must be empty to be structural",
                "spec.validation.openAPIV3Schema.properties[d].anyOf[1].type: Forbidden: must be empty to be structural",
                "spec.validation.openAPIV3Schema.properties[e].allOf[0].anyOf[0].type: Forbidden: must be empty to be structural",
                "spec.validation.openAPIV3Schema.properties[e].allOf[0].anyOf[1].type: Forbidden: must be empty to be structural",
                "spec.validation.openAPIV3Schema.properties[f].anyOf[0].type: Forbidden: must be empty to be structural",
                "spec.validation.openAPIV3Schema.properties[f].anyOf[1].type: Forbidden: must be empty to be structural",
                "spec.validation.openAPIV3Schema.properties[g].anyOf[0].type: Forbidden: must be empty to be structural",
                "spec.validation.openAPIV3Schema.properties[g].anyOf[1].type: Forbidden: must be empty to be structural",
            ],
            ["spec.validation.openAPIV3Schema.properties[a]", "spec.validation.openAPIV3Schema.properties[b]", "spec.validation.openAPIV3Schema.properties[c]"]
        },
        {
            "forbidden additionalProperties at the root",
            "type: object\nadditionalProperties: false\n",
            ["spec.validation.openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root"],
            []
        },
        {
            "metadata with non-properties",
            "type: object\nproperties:\n metadata:\n   minimum: 42.0\n",
            [
                "spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified",
                "spec.validation.openAPIV3Schema.properties[metadata].type: Required value: must not be empty for specified object fields",
            ],
            []
        },
        {
            "metadata with other properties",
            """
            type: object
            properties:
             metadata:
               properties:
                 name:
                   pattern: "^[a-z]+$"
                 labels:
                   type: object
                   maxLength: 4
            """,
            [
                "spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified",
                "spec.validation.openAPIV3Schema.properties[metadata].type: Required value: must not be empty for specified object fields",
                "spec.validation.openAPIV3Schema.properties[metadata].properties[name].type: Required value: must not be empty for specified object fields",
            ],
            []
        },
        {
            "metadata under junctors",
            """
            type: object
            properties:
             metadata:
               type: object
               properties:
                 name:
                   type: string
                   pattern: "^[a-z]+$"
            allOf:
            - properties:
               metadata: {}
            anyOf:
            - properties:
               metadata: {}
            oneOf:
            - properties:
               metadata: {}
            not:
             properties:
               metadata: {}
            """,
            [
                "spec.validation.openAPIV3Schema.anyOf[0].properties[metadata]: Forbidden: must not be specified in a nested context",
                "spec.validation.openAPIV3Schema.allOf[0].properties[metadata]: Forbidden: must not be specified in a nested context",
                "spec.validation.openAPIV3Schema.oneOf[0].properties[metadata]: Forbidden: must not be specified in a nested context",
                "spec.validation.openAPIV3Schema.not.properties[metadata]: Forbidden: must not be specified in a nested context",
            ],
            []
        },
        {
            "missing items for array",
            "type: object\nproperties:\n slice:\n   type: array\n",
            ["spec.validation.openAPIV3Schema.properties[slice].items: Required value: must be specified"],
            []
        },
        {
            "items slice",
            "type: object\nproperties:\n slice:\n   type: array\n   items:\n   - type: string\n   - type: integer\n",
            ["spec.validation.openAPIV3Schema.properties[slice].items: Forbidden: items must be a schema object and not an array"],
            []
        },
        {
            "items slice in value validation",
            "type: object\nproperties:\n slice:\n   type: array\n   items:\n     type: string\n   not:\n     items:\n     - type: string\n",
            ["spec.validation.openAPIV3Schema.properties[slice].not.items: Forbidden: items must be a schema object and not an array"],
            []
        },
    };

    [Theory]
    [MemberData(nameof(UpstreamSchemaCases))]
    public async Task A_Crd_With_A_Non_Structural_Schema_Is_Refused_With_Upstreams_Errors(string description, string schemaYaml, string[] expected, string[] unexpected)
    {
        var (code, body) = await CreateAsync(WithSchema(schemaYaml));

        Assert.True(code == 422, description + ": " + body.ToJsonString());
        var causes = Crds.Causes(body);
        foreach (var e in expected)
        {
            Assert.Contains(e, causes);
        }

        foreach (var u in unexpected)
        {
            Assert.DoesNotContain(causes, c => c.StartsWith(u + ".", StringComparison.Ordinal) || c.StartsWith(u + ":", StringComparison.Ordinal));
        }
    }

    public static TheoryData<string, string> UpstreamAcceptedSchemas() => new()
    {
        { "metadata with name property", "type: object\nproperties:\n metadata:\n   type: object\n   properties:\n     name:\n       type: string\n       pattern: \"^[a-z]+$\"\n" },
        { "metadata with generateName property", "type: object\nproperties:\n metadata:\n   type: object\n   properties:\n     generateName:\n       type: string\n       pattern: \"^[a-z]+$\"\n" },
        {
            "metadata with name and generateName property",
            "type: object\nproperties:\n metadata:\n   type: object\n   properties:\n     name:\n       type: string\n       pattern: \"^[a-z]+$\"\n     generateName:\n       type: string\n       pattern: \"^[a-z]+$\"\n"
        },
        {
            "structural complete",
            """
            type: object
            properties:
             a:
               type: string
             b:
               type: object
               properties:
                 a:
                   type: string
                 b:
                   type: array
                   items:
                     type: string
             c:
               type: array
               items:
                 type: array
                 items:
                   type: object
                   properties:
                     a:
                       type: string
             d:
               type: array
               items:
                 type: string
             e:
               type: string
             f:
               type: string
             g:
               type: string
            not:
             properties:
               a: {}
               b:
                 not:
                   properties:
                     a: {}
                     b:
                       items: {}
               c:
                 items:
                   not:
                     items:
                       properties:
                         a: {}
               d:
                 items: {}
            allOf:
            - properties:
               e: {}
            anyOf:
            - properties:
               f: {}
            oneOf:
            - properties:
               g: {}
            """
        },
    };

    [Theory]
    [MemberData(nameof(UpstreamAcceptedSchemas))]
    public async Task A_Crd_With_A_Structural_Schema_Is_Accepted(string description, string schemaYaml)
    {
        var (code, body) = await CreateAsync(WithSchema(schemaYaml));

        Assert.True(code == 201, description + ": " + body.ToJsonString());
    }

    public static TheoryData<string, string, string> ForbiddenKeywords() => new()
    {
        { "$ref", "type: object\nproperties:\n a:\n   type: string\n   $ref: '#/definitions/x'\n", "spec.validation.openAPIV3Schema.properties[a].$ref: Forbidden: $ref is not supported" },
        { "definitions", "type: object\ndefinitions:\n x:\n   type: string\n", "spec.validation.openAPIV3Schema.definitions: Forbidden: definitions is not supported" },
        { "id", "type: object\nid: x\n", "spec.validation.openAPIV3Schema.id: Forbidden: id is not supported" },
        { "patternProperties", "type: object\npatternProperties:\n '^a':\n   type: string\n", "spec.validation.openAPIV3Schema.patternProperties: Forbidden: patternProperties is not supported" },
        { "uniqueItems", "type: object\nproperties:\n a:\n   type: array\n   uniqueItems: true\n   items:\n     type: string\n", "spec.validation.openAPIV3Schema.properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic" },
        {
            "properties with additionalProperties",
            "type: object\nproperties:\n a:\n   type: object\n   properties:\n     b:\n       type: string\n   additionalProperties:\n     type: string\n",
            "spec.validation.openAPIV3Schema.properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"
        },
        { "type null", "type: object\nproperties:\n a:\n   type: \"null\"\n", "spec.validation.openAPIV3Schema.properties[a].type: Forbidden: type cannot be set to null, use nullable as an alternative" },
        {
            "a pattern Go cannot compile",
            "type: object\nproperties:\n a:\n   type: string\n   pattern: '^(?=a)b$'\n",
            "spec.validation.openAPIV3Schema.properties[a].pattern: Invalid value: \"^(?=a)b$\": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?=`"
        },
        {
            "a default of the wrong type",
            "type: object\nproperties:\n a:\n   type: integer\n   default: \"x\"\n",
            "spec.validation.openAPIV3Schema.properties[a].default: Invalid value: \"x\": spec.validation.openAPIV3Schema.properties[a].default in body must be of type integer: \"string\""
        },
        {
            "a default with unknown fields",
            "type: object\nproperties:\n a:\n   type: object\n   properties:\n     b:\n       type: string\n   default:\n     b: x\n     c: y\n",
            "spec.validation.openAPIV3Schema.properties[a].default: Invalid value: \"object\": must not have unknown fields"
        },
    };

    [Theory]
    [MemberData(nameof(ForbiddenKeywords))]
    public async Task A_Crd_Using_What_The_Api_Does_Not_Take_Is_Refused(string description, string schemaYaml, string expected)
    {
        var (code, body) = await CreateAsync(WithSchema(schemaYaml));

        Assert.True(code == 422, description + ": " + body.ToJsonString());
        Assert.Contains(expected, Crds.Causes(body));
    }

    [Fact]
    public async Task A_Crd_Whose_Name_Is_Not_Plural_Dot_Group_Is_Refused()
    {
        var crd = Crds.Thing([]);
        crd["metadata"]!["name"] = "widgets.example.com";

        var (code, body) = await CreateAsync(crd);

        Assert.Equal(422, code);
        Assert.Equal(
            "CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is invalid: metadata.name: Invalid value: \"widgets.example.com\": must be spec.names.plural+\".\"+spec.group",
            (string?)body["message"]);
    }

    [Fact]
    public async Task A_Crd_With_Two_Storage_Versions_Or_None_Is_Refused()
    {
        var two = Crds.Thing([]);
        var second = two["spec"]!["versions"]![0]!.DeepClone();
        second["name"] = "v2";
        two["spec"]!["versions"]!.AsArray().Add(second);
        var none = Crds.Thing([]);
        none["spec"]!["versions"]![0]!["storage"] = false;

        foreach (var crd in new[] { two, none })
        {
            var (code, body) = await CreateAsync(crd);

            Assert.Equal(422, code);
            Assert.Contains(Crds.Causes(body), c => c.StartsWith("spec.versions: Invalid value: ", StringComparison.Ordinal) && c.EndsWith(": must have exactly one version marked as storage version", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Crd_Names_Follow_The_Dns_1035_And_Kind_Rules()
    {
        var crd = Crds.Thing([]);
        crd["spec"]!["names"] = new JsonObject { ["kind"] = "Thing", ["listKind"] = "Thing", ["plural"] = "things", ["singular"] = "a.thing", ["shortNames"] = new JsonArray("1t") };

        var (code, body) = await CreateAsync(crd);

        Assert.Equal(422, code);
        var causes = Crds.Causes(body);
        Assert.Contains("spec.names.listKind: Invalid value: \"Thing\": kind and listKind may not be the same", causes);
        Assert.Contains(causes, c => c.StartsWith("spec.names.singular: Invalid value: \"a.thing\": a DNS-1035 label must consist of", StringComparison.Ordinal));
        Assert.Contains(causes, c => c.StartsWith("spec.names.shortNames[0]: Invalid value: \"1t\": a DNS-1035 label", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Printer_Column_Of_An_Unknown_Type_Or_A_Path_Not_Starting_With_A_Dot_Is_Refused()
    {
        var crd = Crds.Thing([]);
        crd["spec"]!["versions"]![0]!["additionalPrinterColumns"] = new JsonArray(
            new JsonObject { ["name"] = "A", ["type"] = "text", ["jsonPath"] = ".spec.a" },
            new JsonObject { ["name"] = "B", ["type"] = "string", ["jsonPath"] = "spec.b" });

        var (code, body) = await CreateAsync(crd);

        Assert.Equal(422, code);
        var causes = Crds.Causes(body);
        Assert.Contains("spec.additionalPrinterColumns[0].type: Unsupported value: \"text\": supported values: \"boolean\", \"date\", \"integer\", \"number\", \"string\"", causes);
        Assert.Contains("spec.additionalPrinterColumns[1].jsonPath: Invalid value: \"spec.b\": must be a simple json path starting with .", causes);
    }

    [Fact]
    public async Task Updating_An_Established_Crds_Kind_Is_Refused_As_Immutable()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, Crds.Thing([]))).Code);
        var (_, created) = await http.GetJsonAsync(Crds.Path + "/things.example.com");
        created["spec"]!["names"]!["kind"] = "Other";

        var (code, body) = await http.PutJsonAsync(Crds.Path + "/things.example.com", created);

        Assert.Equal(422, code);
        Assert.Contains("spec.names.kind: Invalid value: \"Other\": field is immutable", Crds.Causes(body));
    }

    private static JsonObject WithSchema(string yaml)
    {
        var crd = Crds.Thing([]);
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"] = YamlJson.Parse(yaml);
        return crd;
    }

    internal static async Task<(int Code, JsonObject Body)> CreateAsync(JsonObject crd)
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        return await http.PostJsonAsync(Crds.Path, crd);
    }
}

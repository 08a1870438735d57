using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using TinyImage.Api;
using TinyImage.Operator.Building;
using TinyImage.Operator.Cli;
using TinyImage.Operator.Configuration;
using TinyImage.Yaml;
using TinyImage.Operator.Tests.Building;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Cli;

public sealed class RenderCommandTests
{
    private static readonly string HelloSample = RepoPaths.Repo("config", "samples", "tinyimage_v1alpha1_hello.yaml");
    private static readonly string GitSample = RepoPaths.Repo("config", "samples", "tinyimage_v1alpha1_git.yaml");
    private static readonly string SourceSample = RepoPaths.Repo("config", "samples", "hello-src.yaml");

    private sealed record Outcome(int Exit, string Stdout, string Stderr);

    private static Outcome Render(string stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = RenderCommand.Run(args, new StringReader(stdin), stdout, stderr);
        return new Outcome(exit, stdout.ToString(), stderr.ToString());
    }

    private const string Minimal = """
        apiVersion: tinyimage.dev/v1alpha1
        kind: TinyImage
        metadata:
          name: hello
        spec:
          source:
            configMap: {name: hello-src}
          binary: hello
          output:
            repository: registry.example.com/demo/hello

        """;

    [Fact]
    public void Hello_Sample_Renders_The_Four_Children_In_Order()
    {
        var outcome = Render("", HelloSample);

        Assert.Equal(0, outcome.Exit);
        Assert.Equal("", outcome.Stderr);
        var docs = YamlReader.Read(outcome.Stdout).Documents;
        Assert.Equal(["ConfigMap", "Job", "Deployment", "Service"], docs.Select(d => (string?)d.Root!["kind"]));
    }

    [Fact]
    public void Hello_Sample_Output_Matches_Its_Golden_File()
    {
        Golden.Check("Cli/golden/render-hello.yaml", Render("", HelloSample).Stdout);
    }

    [Fact]
    public void Every_Rendered_Object_Survives_A_Typed_Round_Trip_Without_Losing_A_Field()
    {
        foreach (var sample in new[] { HelloSample, GitSample })
        {
            var docs = YamlReader.Read(Render("", sample).Stdout).Documents;

            AssertRoundTrip<V1ConfigMap>(docs[0].Root!);
            AssertRoundTrip<V1Job>(docs[1].Root!);
            AssertRoundTrip<V1Deployment>(docs[2].Root!);
            AssertRoundTrip<V1Service>(docs[3].Root!);
        }
    }

    private static void AssertRoundTrip<T>(JsonNode node)
    {
        var typed = node.Deserialize(OperatorJson.TypeInfo<T>());
        var back = JsonSerializer.SerializeToNode(typed!, OperatorJson.TypeInfo<T>());

        Assert.True(JsonNode.DeepEquals(node, back), typeof(T).Name + " changed in a typed round trip:\n" + node.ToJsonString() + "\n" + back!.ToJsonString());
    }

    [Fact]
    public void Deployment_Carries_The_Placeholder_Digest_And_Says_So()
    {
        var outcome = Render("", HelloSample);
        var deployment = YamlReader.Read(outcome.Stdout).Documents[2].Root!;

        Assert.Equal("registry.tinyimage-system.svc:5000/demo/hello@" + RenderCommand.PlaceholderDigest, (string?)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Contains("# The Deployment. The digest is a placeholder (sha256: and 64 zeros)", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Owner_References_Use_The_Manifest_Uid_Or_A_Placeholder()
    {
        var placeholder = YamlReader.Read(Render(Minimal, "-").Stdout).Documents;
        var withUid = YamlReader.Read(Render(Minimal.Replace("  name: hello\n", "  name: hello\n  uid: 6b1c2d3e-0000-4000-8000-000000000001\n", StringComparison.Ordinal), "-").Stdout).Documents;

        Assert.All(placeholder, d => Assert.Equal(RenderCommand.PlaceholderUid, (string?)d.Root!["metadata"]!["ownerReferences"]![0]!["uid"]));
        Assert.All(withUid, d => Assert.Equal("6b1c2d3e-0000-4000-8000-000000000001", (string?)d.Root!["metadata"]!["ownerReferences"]![0]!["uid"]));
    }

    [Fact]
    public void Containerfile_Flag_Prints_Only_The_Containerfile()
    {
        var outcome = Render("", "--containerfile", GitSample);
        var ti = ApiJson.Deserialize<TinyImage.Api.V1Alpha1.TinyImage>(YamlReader.Read(File.ReadAllText(GitSample)).Documents[0].Root!.ToJsonString())!;
        ti.Metadata.Uid = RenderCommand.PlaceholderUid;
        var options = new OperatorOptions();

        Assert.Equal(0, outcome.Exit);
        var valid = ti.Valid();
        Assert.Equal(ContainerfileGenerator.Generate(valid, PinnedBuildHash.ComputeOffline(valid, options)!, options), outcome.Stdout);
        Assert.Contains("\"--bin\", \"greeter\", \"--features\", \"json\"", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_Kinds_In_The_Stream_Are_Skipped_With_A_Note()
    {
        var stream = File.ReadAllText(SourceSample) + "---\n" + File.ReadAllText(HelloSample);

        var outcome = Render(stream, "-");

        Assert.Equal(0, outcome.Exit);
        Assert.Contains("skipped: not a TinyImage (kind ConfigMap)", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, YamlReader.Read(outcome.Stdout).Documents.Count);
    }

    [Fact]
    public void A_File_Without_A_TinyImage_Is_Invalid()
    {
        var outcome = Render("", SourceSample);

        Assert.Equal(1, outcome.Exit);
        Assert.Contains("no TinyImage", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal("", outcome.Stdout);
    }

    [Theory]
    [InlineData("  binary: hello\n", "  binary: \"hello world\"\n", "<stdin>:8:3: spec.binary: must match ^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    [InlineData("  binary: hello\n", "  binary: [hello]\n", "<stdin>:8:3: spec.binary: wrong type: expected a string")]
    [InlineData("  binary: hello\n", "  binary: hello\n  deploy: {replicas: many}\n", "<stdin>:9:12: spec.deploy.replicas: wrong type: expected an integer")]
    [InlineData("  binary: hello\n", "  binary: hello\n  bogus: 1\n", "<stdin>:9:3: spec.bogus: unknown field")]
    [InlineData("  name: hello\n", "  name: hello\n  nmespace: demo\n", "<stdin>:5:3: metadata.nmespace: unknown field")]
    [InlineData("  binary: hello\n", "", "spec.binary: required")]
    [InlineData("  binary: hello\n", "  binary: hello\n  build: {features: [json, \"x;rm\"]}\n", "<stdin>:9:28: spec.build.features[1]: must match")]
    [InlineData("  binary: hello\n", "  binary: hello\n  source: {}\n", "duplicate key \"source\"")]
    [InlineData("    configMap: {name: hello-src}\n", "    configMap: {name: hello-src}\n    git: {url: \"https://example.com/a/b\"}\n", "<stdin>:6:3: spec.source: exactly one of source.git or source.configMap must be set")]
    [InlineData("apiVersion: tinyimage.dev/v1alpha1\n", "apiVersion: tinyimage.dev/v1beta1\n", "<stdin>:1:1: apiVersion: must be tinyimage.dev/v1alpha1 (found tinyimage.dev/v1beta1)")]
    [InlineData("  name: hello\n", "  name: Hello_World\n", "<stdin>:4:3: metadata.name: metadata.name must be a DNS-1035 label")]
    [InlineData("  binary: hello\n", "  binary: hello\n   oops: [\n", "<stdin>:9:")]
    public void Invalid_Input_Exits_1_Naming_The_Field_And_Its_Line(string find, string replace, string expected)
    {
        var manifest = Minimal.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(Minimal, manifest);

        var outcome = Render(manifest, "-");

        Assert.Equal(1, outcome.Exit);
        Assert.Equal("", outcome.Stdout);
        Assert.Contains(expected, outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_Problem_Is_Printed_With_Its_Field_And_Nothing_Is_Rendered()
    {
        const string manifest = """
            apiVersion: tinyimage.dev/v1alpha1
            kind: TinyImage
            metadata:
              name: hello
              namespace: Demo_NS
            spec:
              source:
                configMap: {name: hello-src}
              binary: "hello world"
              build:
                features: [json, "x;rm", "$(id)"]
                resources:
                  limits: {"cpu x": "1"}
              output:
                repository: registry.example.com/demo/hello
                tag: "v1 2"
              deploy:
                replicas: 1000
                env: [{name: "1BAD", value: x}]

            """;
        string[] fields =
        [
            "metadata.namespace", "spec.binary", "spec.build.features[1]", "spec.build.features[2]", "spec.build.resources.limits",
            "spec.output.tag", "spec.deploy.replicas", "spec.deploy.env[0].name",
        ];

        var outcome = Render(manifest, "-");

        Assert.Equal(1, outcome.Exit);
        Assert.Equal("", outcome.Stdout);
        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(fields.Length, lines.Length);
        Assert.All(fields, f => Assert.Contains(lines, l => l.StartsWith("<stdin>", StringComparison.Ordinal) && l.Contains(": " + f, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(new string[0], "FILE is missing")]
    [InlineData(new[] { "--frobnicate", "x.yaml" }, "unknown option --frobnicate")]
    [InlineData(new[] { "a.yaml", "b.yaml" }, "only one FILE")]
    [InlineData(new[] { "/nonexistent/tinyimage.yaml" }, "cannot read /nonexistent/tinyimage.yaml")]
    public void Usage_And_IO_Errors_Exit_2(string[] args, string expected)
    {
        var outcome = Render("", args);

        Assert.Equal(2, outcome.Exit);
        Assert.Contains(expected, outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_Prints_Usage_And_Exits_0()
    {
        var outcome = Render("", "--help");

        Assert.Equal(0, outcome.Exit);
        Assert.StartsWith("usage: tinyimage-operator render", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_Input_Is_Yaml_Too()
    {
        var json = YamlReader.Read(Minimal).Documents[0].Root!.ToJsonString();

        var outcome = Render(json, "-");

        Assert.Equal(0, outcome.Exit);
        Assert.Equal(Render(Minimal, "-").Stdout, outcome.Stdout);
    }
}

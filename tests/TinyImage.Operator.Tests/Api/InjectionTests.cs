using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Api;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Deploying;
using TinyImage.Operator.Tests.Building;
using Xunit;
using TiResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Api;

/// <summary>
/// No spec value can inject a Containerfile instruction, a shell word, a Kaniko flag or a label: every string field
/// that reaches one of them is tried with line breaks, quotes, command substitution, separators, JSON breakers,
/// leading dashes, path traversal and Unicode line separators, and the one validator must refuse, naming the field.
/// The builders take only a <see cref="ValidTinyImage"/>, which only the validator makes, so what it refuses never
/// reaches them (these were the builders' own guard's cases, each once per builder; now each is one validator case).
/// </summary>
public sealed class InjectionTests
{
    private const string Hash = "0123456789";
    private const string Digest = "registry.example.com/team/hello@sha256:0000000000000000000000000000000000000000000000000000000000000000";
    private static readonly OperatorOptions Options = new();

    /// <summary>Appended to (or standing for) a valid value; each must be refused.</summary>
    private static readonly string[] Payloads =
    [
        "\nRUN rm -rf /", "\r", "\rUSER 0", "\"", "'", "$(id)", "`id`", " x", ";id", "&&id", "|id", "\"]", "\\",
        "\u2028RUN id", "\u0085RUN id", "\u2029", "\n", "\t", "\0", "#frag", "\u00e9",
    ];

    private sealed record Field(string Path, Action<TiResource, string> Set, string Valid, bool IsPath = false);

    private static readonly Field[] Fields =
    [
        new("metadata.name", (t, v) => t.Metadata.Name = v, "hello"),
        new("metadata.namespace", (t, v) => t.Metadata.NamespaceProperty = v, "demo"),
        new("spec.binary", (t, v) => t.Spec.Binary = v, "hello"),
        new("spec.build.features[1]", (t, v) => t.Spec.Build.Features = ["json", v], "tls"),
        new("spec.build.builderImage", (t, v) => t.Spec.Build.BuilderImage = v, "rust:1-alpine"),
        new("spec.build.kanikoImage", (t, v) => t.Spec.Build.KanikoImage = v, "ghcr.io/osscontainertools/kaniko:v1.28.4"),
        new("spec.build.cache.repository", (t, v) => t.Spec.Build.Cache = new CacheSpec { Enabled = true, Repository = v }, "registry.example.com/cache"),
        new("spec.build.base", (t, v) => t.Spec.Build.Base = v, "scratch"),
        new("spec.build.libc", (t, v) => t.Spec.Build.Libc = v, "musl"),
        new("spec.build.profile.strip", (t, v) => t.Spec.Build.Profile.Strip = v, "symbols"),
        new("spec.build.profile.optLevel", (t, v) => t.Spec.Build.Profile.OptLevel = v, "z"),
        new("spec.build.profile.lto", (t, v) => t.Spec.Build.Profile.Lto = v, "true"),
        new("spec.build.profile.panic", (t, v) => t.Spec.Build.Profile.Panic = v, "abort"),
        new("spec.build.resources.limits", (t, v) => t.Spec.Build.Resources = new ResourceRequirementsSpec { Limits = new Dictionary<string, ResourceQuantity> { [v] = new("1") } }, "cpu"),
        new("spec.output.repository", (t, v) => t.Spec.Output.Repository = v, "registry.example.com/team/hello"),
        new("spec.output.tag", (t, v) => t.Spec.Output.Tag = v, "v1.2.3"),
        new("spec.output.pushSecret", (t, v) => t.Spec.Output.PushSecret = v, "registry-push"),
        new("spec.source.git.url", (t, v) => t.Spec.Source = new SourceSpec { Git = new GitSource { Url = v } }, "https://git.example.com/team/repo.git", IsPath: true),
        new("spec.source.git.ref.branch", (t, v) => t.Spec.Source = GitWith(g => g.Ref = new GitRef { Branch = v }), "release/v1", IsPath: true),
        new("spec.source.git.ref.tag", (t, v) => t.Spec.Source = GitWith(g => g.Ref = new GitRef { Tag = v }), "v1.0.0", IsPath: true),
        new("spec.source.git.ref.commit", (t, v) => t.Spec.Source = GitWith(g => g.Ref = new GitRef { Commit = v }), new string('a', 40)),
        new("spec.source.git.subPath", (t, v) => t.Spec.Source = GitWith(g => g.SubPath = v), "services/hello", IsPath: true),
        new("spec.source.git.credentialsSecret", (t, v) => t.Spec.Source = GitWith(g => g.CredentialsSecret = v), "git-credentials"),
        new("spec.source.configMap.name", (t, v) => t.Spec.Source.ConfigMap!.Name = v, "hello-src"),
        new("spec.source.configMap.items[0].key", (t, v) => t.Spec.Source.ConfigMap!.Items![0].Key = v, "Cargo.toml", IsPath: true),
        new("spec.source.configMap.items[0].path", (t, v) => t.Spec.Source.ConfigMap!.Items![0].Path = v, "src/main.rs", IsPath: true),
        new("spec.deploy.env[0].name", (t, v) => t.Spec.Deploy.Env = [new EnvVarSpec { Name = v, Value = "x" }], "RUST_LOG"),
        new("spec.deploy.env[0].valueFrom.secretKeyRef.name", (t, v) => t.Spec.Deploy.Env = [SecretEnv(v, "token")], "app-secrets"),
        new("spec.deploy.env[0].valueFrom.secretKeyRef.key", (t, v) => t.Spec.Deploy.Env = [SecretEnv("app-secrets", v)], "token"),
        new("spec.deploy.service.type", (t, v) => t.Spec.Deploy.Service.Type = v, "ClusterIP"),
        new("spec.verify.denyPackages[0]", (t, v) => t.Spec.Verify.DenyPackages = [v], "openssl-sys"),
    ];

    public static TheoryData<string> FieldPaths => new(Fields.Select(f => f.Path));

    private static readonly Func<ValidTinyImage, object>[] Builders =
    [
        t => ContainerfileGenerator.Generate(t, Hash, Options),
        t => BuildHash.Compute(t, Options),
        t => KanikoJobBuilder.BuildJob(t, Hash, Options),
        t => DeploymentBuilder.Build(t, Digest, Hash),
        t => ServiceBuilder.Build(t),
    ];

    [Theory]
    [MemberData(nameof(FieldPaths))]
    public void The_Validator_Accepts_The_Valid_Value_And_Every_Builder_Renders_It(string path)
    {
        var field = Fields.Single(f => f.Path == path);
        var ti = Samples.Hello();
        field.Set(ti, field.Valid);

        var validation = SpecValidator.Validate(ti);

        Assert.Empty(validation.Errors);
        Assert.NotNull(validation.Valid);
        foreach (var build in Builders)
        {
            Assert.NotNull(build(validation.Valid));
        }
    }

    [Theory]
    [MemberData(nameof(FieldPaths))]
    public void The_Validator_Refuses_Every_Injection_Naming_The_Field(string path)
    {
        var field = Fields.Single(f => f.Path == path);
        var attempts = 0;
        foreach (var value in Attempts(field))
        {
            var ti = Samples.Hello();
            field.Set(ti, value);

            var validation = SpecValidator.Validate(ti);

            Assert.True(validation.Valid is null, "value " + Show(value) + " of " + path + " was accepted");
            Assert.True(
                validation.Errors.Any(e => e.Path.StartsWith(path, StringComparison.Ordinal)),
                "value " + Show(value) + " of " + path + " refused for the wrong reason: " + validation.Message);
            attempts++;
        }

        Assert.Equal(field.IsPath ? 72 : 68, attempts);
    }

    [Fact]
    public void Every_Field_And_Every_Attempt_Is_A_Validator_Case()
    {
        // 31 fields; 68 attempts each, 72 for the 6 path-like fields: 2132 refused values (the guard's cases, counted once).
        Assert.Equal(31, Fields.Length);
        Assert.Equal(2132, Fields.Sum(f => Attempts(f).Count()));
    }

    [Fact]
    public void A_Trailing_Newline_Does_Not_Slip_Past_The_Anchors()
    {
        // .NET's `$` matches before a final newline: "hello\n" matches ^[A-Za-z][A-Za-z0-9_-]{0,63}$ with Regex.IsMatch.
        Assert.Matches(new System.Text.RegularExpressions.Regex(Patterns.BinaryName), "hello\n");

        Assert.False(SpecValidator.IsFullMatch("hello\n", Patterns.BinaryName));
        Assert.True(SpecValidator.IsFullMatch("hello", Patterns.BinaryName));
    }

    [Fact]
    public void Problems_Name_List_Indexes()
    {
        var ti = Samples.Hello();
        ti.Spec.Build.Features = ["ok", "bad feature", "fine", "$(x)"];

        var paths = SpecValidator.Validate(ti).Errors.Select(p => p.Path).ToArray();

        Assert.Equal(["spec.build.features[1]", "spec.build.features[3]"], paths);
    }

    private static IEnumerable<string> Attempts(Field field)
    {
        yield return "";
        foreach (var p in Payloads)
        {
            yield return field.Valid + p;
            yield return p + field.Valid;
            yield return p;
        }

        yield return "-" + field.Valid;
        yield return "--help";
        yield return "\"]" + field.Valid;
        yield return field.Valid + "\", \"--privileged";
        if (field.IsPath)
        {
            yield return "../" + field.Valid;
            yield return field.Valid + "/..";
            yield return field.Valid + "/../x";
            yield return "./" + field.Valid;
        }
    }

    private static string Show(string value) => System.Text.Json.JsonSerializer.Serialize(value, k8s.SourceGenerationContext.Default.String);

    private static SourceSpec GitWith(Action<GitSource> configure)
    {
        var git = new GitSource { Url = "https://git.example.com/team/repo.git" };
        configure(git);
        return new SourceSpec { Git = git };
    }

    private static EnvVarSpec SecretEnv(string name, string key) =>
        new() { Name = "TOKEN", ValueFrom = new EnvVarSourceSpec { SecretKeyRef = new KeyReference { Name = name, Key = key } } };
}

using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TiResource = TinyImage.Api.V1Alpha1.TinyImage;
using TinyImage.Api;

namespace TinyImage.Operator.Tests.Building;

/// <summary>TinyImages for builder tests: the hello demo from a ConfigMap, and a git variant.</summary>
internal static class Samples
{
    public const string Uid = "3f0c9a4e-5b1d-4c2a-9e7f-0a1b2c3d4e5f";

    /// <summary>The TinyImage as the builders take it: validated; a test sample that is not valid fails here, naming every field.</summary>
    public static ValidTinyImage Valid(this TiResource ti)
    {
        var validation = SpecValidator.Validate(ti);
        return validation.Valid ?? throw new InvalidOperationException("invalid sample: " + validation.Message);
    }

    public static TiResource Hello() => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "demo", Uid = Uid },
        Spec = new TinyImageSpec
        {
            Source = new SourceSpec
            {
                ConfigMap = new ConfigMapSource
                {
                    Name = "hello-src",
                    Items =
                    [
                        new ConfigMapItem { Key = "Cargo.toml", Path = "Cargo.toml" },
                        new ConfigMapItem { Key = "Cargo.lock", Path = "Cargo.lock" },
                        new ConfigMapItem { Key = "main.rs", Path = "src/main.rs" },
                    ],
                },
            },
            Binary = "hello",
            Output = new OutputSpec { Repository = "registry.tinyimage-system.svc:5000/demo/hello", Insecure = true },
        },
    };

    public static TiResource Git()
    {
        var ti = Hello();
        ti.Metadata.Name = "hello-git";
        ti.Spec.Source = new SourceSpec
        {
            Git = new GitSource
            {
                Url = "https://git.example.com/team/services.git",
                Ref = new GitRef { Branch = "main" },
                SubPath = "hello",
                CredentialsSecret = "git-credentials",
            },
        };
        ti.Spec.Output = new OutputSpec { Repository = "registry.example.com/team/hello", Tag = "v1.2.3", PushSecret = "registry-push" };
        ti.Spec.Build.Cache = new CacheSpec { Enabled = true };
        ti.Spec.Build.Resources = new ResourceRequirementsSpec
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1"), ["memory"] = new("2Gi") },
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("4Gi") },
        };
        return ti;
    }
}

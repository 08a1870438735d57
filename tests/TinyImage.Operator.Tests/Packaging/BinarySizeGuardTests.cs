using System.Text.RegularExpressions;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Packaging;

/// <summary>
/// What keeps the NativeAOT binary small (BENCHMARKS.md, section 6): KubernetesClient's own JSON context and
/// <c>KubernetesJson</c> name all 828 of its models, so a single use in the shipped code links every one of them
/// (about 12 MB). The shipped code uses <c>TinyImage.Kube.KubeJsonContext</c>, which holds only the kinds it uses.
/// </summary>
public sealed partial class BinarySizeGuardTests
{
    [Fact]
    public void No_Shipped_Source_Touches_KubernetesClients_Own_Json_Context()
    {
        var offending = ShippedSources().Where(f => WholeModelSet().IsMatch(File.ReadAllText(f))).Select(f => Path.GetRelativePath(RepoPaths.Root, f)).ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void No_Shipped_Source_Reads_Kubeconfig_With_KubernetesClients_Yaml_Loader()
    {
        // The package's kubeconfig loader deserializes with its YamlDotNet static context and kubeconfig models (about
        // 0.3 MB in the binary); Hosting/KubeconfigFile reads kubeconfig with TinyImage.Yaml instead.
        var offending = ShippedSources().Where(f => PackageKubeconfigLoader().IsMatch(File.ReadAllText(f))).Select(f => Path.GetRelativePath(RepoPaths.Root, f)).ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void No_Shipped_Source_Deserializes_Or_Serializes_Json_Asynchronously()
    {
        // One JsonSerializer.DeserializeAsync call (any type) makes NativeAOT compile the shared async stream reader, and
        // every JsonTypeInfo<T> of every context then carries its instantiations: the state machine box, Task<T>,
        // ValueTask<T>, the awaiters and builders, for each of about 900 types (BENCHMARKS.md, section 9, sixth round:
        // size). The API server's answers are buffered before they are read, so the synchronous reader is the same work.
        var offending = ShippedSources().Where(f => AsyncJson().IsMatch(File.ReadAllText(f))).Select(f => Path.GetRelativePath(RepoPaths.Root, f)).ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void The_Runtimes_Context_Knows_Every_Kind_The_Runtime_Reads_Or_Writes()
    {
        var options = Kube.KubeJsonContext.Default.Options;
        foreach (var type in new[] { Kube.ResourceTypes.ConfigMaps.ItemInfo.Type, Kube.ResourceTypes.Jobs.ItemInfo.Type, Kube.ResourceTypes.Deployments.ItemInfo.Type, Kube.ResourceTypes.Events.ItemInfo.Type, typeof(k8s.Models.V1Status) })
        {
            Assert.NotNull(options.GetTypeInfo(type));
        }

        Assert.Throws<NotSupportedException>(() => options.GetTypeInfo(typeof(k8s.Models.V1CSIDriver)));
    }

    [Fact]
    public void Every_Json_Context_Generates_Metadata_Only_Without_Per_Type_Fast_Path_Writers()
    {
        // A fast-path writer is a generated method per type (about 300 in KubeJsonContext alone); metadata-only contexts
        // serialize through the same property metadata the reads use, which keeps those methods out of the binary.
        var contexts = new System.Text.Json.Serialization.JsonSerializerContext[]
        {
            global::TinyImage.Kube.KubeJsonContext.Default, global::TinyImage.Api.ApiJsonContext.Default, global::TinyImage.Oci.RegistryJsonContext.Default,
            global::TinyImage.Sbom.SbomJsonContext.Default, global::TinyImage.Operator.Deploying.Gateway.GatewayJsonContext.Default,
        };
        var withWriters = new List<string>();
        var checkedTypes = 0;
        foreach (var context in contexts)
        {
            foreach (var property in context.GetType().GetProperties())
            {
                if (property.PropertyType is not { IsGenericType: true } type || type.GetGenericTypeDefinition() != typeof(System.Text.Json.Serialization.Metadata.JsonTypeInfo<>))
                {
                    continue;
                }

                checkedTypes++;
                var info = property.GetValue(context)!;
                if (type.GetProperty("SerializeHandler")!.GetValue(info) is not null)
                {
                    withWriters.Add(context.GetType().Name + "." + property.Name);
                }
            }
        }

        // 294 since Jobs, Deployments, Services, Ingresses and NetworkPolicies are the operator's own models (over 300 before).
        Assert.True(checkedTypes > 250, "expected the contexts' generated type properties, found " + checkedTypes);
        Assert.Empty(withWriters);
    }

    private static IEnumerable<string> ShippedSources() =>
        Directory.EnumerateFiles(RepoPaths.Repo("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    // JsonSerializer's stream readers and writers (DeserializeAsync, DeserializeAsyncEnumerable, SerializeAsync) and the
    // HttpClient/HttpContent JSON extensions built on them.
    [GeneratedRegex(@"\bJsonSerializer\.(DeserializeAsync|DeserializeAsyncEnumerable|SerializeAsync)\b|\b(ReadFromJsonAsync|ReadFromJsonAsAsyncEnumerable|GetFromJsonAsync|PostAsJsonAsync|PutAsJsonAsync|PatchAsJsonAsync)\b|\bJsonContent\.Create\b")]
    private static partial Regex AsyncJson();

    // BuildConfigFromConfigFile/BuildConfigFromConfigObject/BuildDefaultConfig, LoadKubeConfig[Async], KubernetesYaml,
    // and the model K8SConfiguration (what the package's YAML context deserializes into).
    [GeneratedRegex(@"\bBuildConfigFrom(ConfigFile|ConfigObject)|\bBuildDefaultConfig\b|\bLoadKubeConfig(Async)?\b|\bKubernetesYaml\b|\bK8SConfiguration\b")]
    private static partial Regex PackageKubeconfigLoader();

    // Any member of the generated context or of KubernetesJson (Serialize, Deserialize, its converters excepted), the
    // configuration's JsonSerializerOptions (its getter installs the context), and KubernetesClient's Kubernetes class
    // (its constructor reads those options; KubeConnection.FromConfig builds TLS and credentials without it).
    [GeneratedRegex(@"k8s\.SourceGenerationContext|\bSourceGenerationContext\.Default|KubernetesJson\.(Serialize|Deserialize|AddJsonOptions)|(?<!Json)\.JsonSerializerOptions\b|\bnew (k8s\.)?Kubernetes\(|\bk8s\.Kubernetes\b(?!ClientConfiguration)")]
    private static partial Regex WholeModelSet();
}

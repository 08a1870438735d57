using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Kube;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>An informer reads its watch events with the metadata it is given: what that leaves out is skipped, not built.</summary>
public sealed class InformerEventInfoTests
{
    private const string Namespace = "demo";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Watch_Events_Are_Read_With_The_Given_Metadata_And_Lists_In_Full()
    {
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = [Namespace], WorkloadControllers = false }, Token);
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var client = new ResourceClient<V1ConfigMap>(connection, ResourceTypes.ConfigMaps);
        Assert.True((await client.CreateAsync(ConfigMap("listed"), Token)).IsOk);
        var informer = new Informer<V1ConfigMap>(client, new InformerOptions { Namespaces = [Namespace], ResyncPeriod = TimeSpan.Zero }, TimeProvider.System, NullLogger.Instance)
        {
            EventInfo = SkippingJson.ItemInfo<V1ConfigMap>(new Dictionary<Type, Func<string, bool>> { [typeof(V1ConfigMap)] = property => property != "data" }),
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = informer.RunAsync(stop.Token);
        await informer.Synced.WaitAsync(Token);

        Assert.True((await client.CreateAsync(ConfigMap("watched"), Token)).IsOk);
        await Eventually.TrueAsync(() => informer.Cache.Count == 2, "both in the cache", Token);

        Assert.Equal("the server", informer.Cache.Get(Namespace, "listed")!.Data["from"]); // the list is read in full
        var watched = informer.Cache.Get(Namespace, "watched")!;
        Assert.Null(watched.Data); // the event's data was skipped
        Assert.Equal("yes", watched.Metadata.Labels["kept"]);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public void Skipping_Metadata_Leaves_Out_What_A_Type_Does_Not_Keep_And_Managed_Fields_Always()
    {
        var info = SkippingJson.ItemInfo<V1ConfigMap>(new Dictionary<Type, Func<string, bool>> { [typeof(V1ConfigMap)] = property => property is not ("data" or "binaryData") });

        var read = System.Text.Json.JsonSerializer.Deserialize(
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"demo","labels":{"k":"v"},"managedFields":[{"manager":"kubectl"}]},"data":{"x":"y"},"binaryData":{"b":"AAEC"},"immutable":true}""",
            info)!;

        Assert.Equal(("a", "v", null), (read.Metadata.Name, read.Metadata.Labels["k"], read.Metadata.ManagedFields));
        Assert.Equal((null, null, (bool?)true), (read.Data, read.BinaryData, read.Immutable));
    }

    private static V1ConfigMap ConfigMap(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = new Dictionary<string, string> { ["kept"] = "yes" } },
        Data = new Dictionary<string, string> { ["from"] = "the server" },
    };
}

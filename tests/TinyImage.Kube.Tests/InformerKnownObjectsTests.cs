using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Kube;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>An informer takes the objects its controller already holds (its own writes' answers) for their watch events.</summary>
public sealed class InformerKnownObjectsTests
{
    private const string Namespace = "demo";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_Watch_Event_Of_A_Version_The_Controller_Holds_Caches_The_Held_Instance_And_Others_Are_Decoded()
    {
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = [Namespace], WorkloadControllers = false }, Token);
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var client = new ResourceClient<V1ConfigMap>(connection, ResourceTypes.ConfigMaps);
        var held = new Dictionary<string, V1ConfigMap>();
        var informer = new Informer<V1ConfigMap>(client, new InformerOptions { Namespaces = [Namespace], ResyncPeriod = TimeSpan.Zero }, TimeProvider.System, NullLogger.Instance)
        {
            // The test's stand-in for a controller's own write: the object "held" is known at every version.
            KnownObjects = (key, resourceVersion) =>
            {
                if (key != new ObjectKey(Namespace, "held"))
                {
                    return null;
                }

                lock (held)
                {
                    return held[resourceVersion] = new V1ConfigMap
                    {
                        Metadata = new V1ObjectMeta { Name = "held", NamespaceProperty = Namespace, ResourceVersion = resourceVersion },
                        Data = new Dictionary<string, string> { ["from"] = "the controller" },
                    };
                }
            },
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = informer.RunAsync(stop.Token);
        await informer.Synced.WaitAsync(Token);

        Assert.True((await client.CreateAsync(ConfigMap("held"), Token)).IsOk);
        Assert.True((await client.CreateAsync(ConfigMap("other"), Token)).IsOk);
        await Eventually.TrueAsync(() => informer.Cache.Count == 2, "both in the cache", Token);

        var cached = informer.Cache.Get(Namespace, "held")!;
        lock (held)
        {
            Assert.Same(held[cached.Metadata.ResourceVersion], cached);
        }

        Assert.Equal("the server", informer.Cache.Get(Namespace, "other")!.Data["from"]);
        await stop.CancelAsync();
        await run;
    }

    private static V1ConfigMap ConfigMap(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Data = new Dictionary<string, string> { ["from"] = "the server" },
    };
}

using k8s.Models;
using TinyImage.Kube;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>
/// A create whose answer nobody reads (<see cref="ResourceClient{T}.CreateOutcomeAsync"/>) leaves the answer unread, not
/// buffered (issue 17); the connection it came on must stay usable for the requests after it.
/// </summary>
public sealed class ResourceClientCreateOutcomeTests
{
    private const string Namespace = "demo";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creates_With_Unread_Answers_Conflicts_And_Reads_Alternate_On_The_Same_Connections_And_Each_Gets_Its_Own_Answer()
    {
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = [Namespace], WorkloadControllers = false }, Token);
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var client = new ResourceClient<V1ConfigMap>(connection, ResourceTypes.ConfigMaps);

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(WriteOutcome.Ok, await client.CreateOutcomeAsync(ConfigMap("cm-" + i, new string('x', 4096 * (i % 3))), Token));
            Assert.Equal(WriteOutcome.AlreadyExists, await client.CreateOutcomeAsync(ConfigMap("cm-" + i, "again"), Token));
            var read = await client.GetAsync(Namespace, "cm-" + i, Token);
            Assert.Equal(4096 * (i % 3), read!.Data["k"].Length);
        }

        // An invalid name is refused with the server's error, read from the unbuffered answer.
        var refused = await Assert.ThrowsAsync<KubeApiException>(() => client.CreateOutcomeAsync(ConfigMap("Not_A_Name", "v"), Token));
        Assert.Equal(422, refused.Code);
        Assert.Contains("Not_A_Name", refused.Message, StringComparison.Ordinal);
        Assert.Equal(30, (await client.ListAsync(Namespace, null, Token)).Items.Count);
    }

    private static V1ConfigMap ConfigMap(string name, string value) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Data = new Dictionary<string, string> { ["k"] = value },
    };
}

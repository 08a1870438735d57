using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.IntegrationTests.Controllers;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Rbac;

/// <summary>
/// A cluster whose RBAC does not let the operator list core Events (the shipped RBAC without that grant): a build whose
/// pod is refused (Pod Security admission) still shows Building, saying its Events could not be read and why, instead of the refused read
/// aborting every reconcile of it.
/// </summary>
public sealed class RefusedBuildEventsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rbac-noevents-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_Build_Without_A_Pod_Whose_Events_Are_Refused_Shows_Building_Saying_The_Events_Could_Not_Be_Read()
    {
        await using var h = await StartAsync(new ApiServerEmulatorOptions { Https = true });
        var kubeconfig = await RenderedRbac.ApplyWithoutAsync(h, _dir, r => RenderedRbac.Names(r, "apiGroups", "") && RenderedRbac.Names(r, "resources", "events"),
            "the shipped RBAC lets the operator list core Events");
        // Pod Security admission refuses the build pod (Kaniko runs as root): the Job has no pod, only FailedCreate Events.
        var labelled = h.Kube.Mutate("v1", "namespaces", null, Namespace, ns =>
            Labels(ns)["pod-security.kubernetes.io/enforce"] = "restricted");
        Assert.True(labelled.IsSuccess, labelled.Body.ToJsonString());
        h.CreateSource();
        var op = RenderedRbac.Start(h, kubeconfig, FastOptions);
        try
        {
            h.CreateTinyImage("waiting");
            await Eventually.TrueAsync(
                () => ((string?)h.Condition("waiting", Conditions.Built)?["message"])?.Contains("its Events could not be read: 403 Forbidden: ", StringComparison.Ordinal) == true,
                "Built says the Events could not be read",
                () => h.TinyImage("waiting")?["status"]?.ToJsonString() ?? "no status");
        }
        finally
        {
            await op.StopAsync();
        }

        Assert.Contains(h.Kube.Requests.All, r => r.Resource == "events" && r.Group is null or "" && r.Verb == "list" && r.StatusCode == 403);
        Assert.Equal(Phases.Building, h.Phase("waiting"));
        Assert.Equal(Conditions.Unknown, (string?)h.Condition("waiting", Conditions.Built)?["status"]);
    }

    private static JsonObject Labels(JsonObject o)
    {
        var metadata = o["metadata"]!.AsObject();
        if (metadata["labels"] is not JsonObject labels)
        {
            metadata["labels"] = labels = [];
        }

        return labels;
    }
}

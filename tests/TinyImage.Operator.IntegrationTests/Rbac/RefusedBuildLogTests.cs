using TinyImage.KubeEmulator;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.IntegrationTests.Controllers;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Rbac;

/// <summary>
/// A cluster whose RBAC does not let the operator read pod logs (the shipped RBAC without its <c>pods/log</c> grant): a
/// failed build still fails the TinyImage with <c>BuildFailed</c>, and the message says the log tail could not be read and
/// why, instead of the refused read aborting every reconcile and leaving the TinyImage without status.
/// </summary>
public sealed class RefusedBuildLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rbac-nolog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_Failed_Build_Whose_Log_Is_Refused_Fails_With_BuildFailed_Saying_The_Log_Tail_Could_Not_Be_Read()
    {
        await using var h = await StartAsync(new ApiServerEmulatorOptions { Https = true });
        var kubeconfig = await RenderedRbac.ApplyWithoutAsync(h, _dir, r => RenderedRbac.Names(r, "resources", "pods/log"), "the shipped RBAC grants pods/log");
        h.Kube.Jobs.Runner = JobRunners.FailWith("BackoffLimitExceeded", "error: build failed");
        h.CreateSource();
        var op = RenderedRbac.Start(h, kubeconfig, FastOptions);
        try
        {
            h.CreateTinyImage("broken");
            await h.WaitForPhaseAsync("broken", "Failed");
        }
        finally
        {
            await op.StopAsync();
        }

        var refusedLogs = h.Kube.Requests.All.Where(r => r.Resource == "pods" && r.Subresource == "log" && r.StatusCode == 403).ToList();
        Assert.NotEmpty(refusedLogs); // the server did refuse the read
        var built = h.Condition("broken", Conditions.Built)!;
        Assert.Equal(Conditions.False, (string?)built["status"]);
        Assert.Equal(Conditions.ReasonBuildFailed, (string?)built["reason"]);
        var message = (string)built["message"]!;
        Assert.StartsWith("build Job broken-build-", message, StringComparison.Ordinal);
        Assert.Contains("the log tail could not be read: 403 Forbidden: ", message, StringComparison.Ordinal);
        Assert.Contains("pods/log", message, StringComparison.Ordinal);
        var stalled = h.Condition("broken", Conditions.Stalled)!;
        Assert.Equal(Conditions.True, (string?)stalled["status"]);
    }
}

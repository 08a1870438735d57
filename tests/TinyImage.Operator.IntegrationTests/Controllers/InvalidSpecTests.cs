using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// A spec the API server accepts but the operator's validator refuses (the CRD schema cannot constrain a map key or
/// forbid a line break in an argument) reaches the TinyImage as a Stalled condition naming every field.
/// </summary>
public sealed class InvalidSpecTests
{
    [Fact]
    public async Task A_Spec_The_Schema_Allows_But_The_Validator_Refuses_Stalls_Naming_Every_Field_Without_A_Build()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('c'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();

        // Both values pass the CRD schema (the emulator applies it): a resource name that is no qualified name and an
        // argument with a line break.
        h.CreateTinyImage("hello", build: new JsonObject { ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["cpu x"] = "1" } } });
        h.EditSpec("hello", spec => spec["deploy"] = new JsonObject { ["args"] = new JsonArray("--ok", "line\nbreak") });
        h.StartOperator();

        await Eventually.TrueAsync(
            () => (string?)h.Condition("hello", "Stalled")?["reason"] == "InvalidSpec",
            "Stalled InvalidSpec",
            () => h.TinyImage("hello")?["status"]?.ToJsonString() ?? "");
        var stalled = h.Condition("hello", "Stalled")!;
        var message = (string)stalled["message"]!;
        Assert.Equal("True", (string?)stalled["status"]);
        Assert.Contains("spec.build.resources.limits[cpu x]: must match ", message, StringComparison.Ordinal);
        Assert.Contains("spec.deploy.args[1]: must not contain control characters", message, StringComparison.Ordinal);
        Assert.Single(message.Split("; "), p => p.StartsWith("spec.build.resources.limits", StringComparison.Ordinal));
        Assert.Equal(2, message.Split("; ").Length);
        Assert.Equal("False", (string?)h.Condition("hello", "Ready")?["status"]);
        Assert.Equal("InvalidSpec", (string?)h.Condition("hello", "Ready")?["reason"]);
        Assert.Equal("Failed", h.Phase("hello"));
        Assert.Equal(0, h.JobCreates());

        // Fixed, it builds and becomes Ready.
        h.EditSpec("hello", spec =>
        {
            spec.Remove("build");
            spec.Remove("deploy");
        });
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal(1, h.JobCreates());
    }
}

using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Reconciler;
using Xunit;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>The deploy step's shortcut: a workload that is the current spec's own needs no copy and no second validation.</summary>
public sealed class CurrentSpecWorkloadTests
{
    [Fact]
    public void A_Workload_Made_From_The_Current_Spec_Is_The_Current_Specs()
    {
        var spec = Spec();

        Assert.True(DeployReconciler.IsCurrentSpecs(spec, Workload(spec)));
        Assert.True(DeployReconciler.IsCurrentSpecs(new TinyImageSpec { Binary = "hello" }, new ServingStatus { Reference = "r", SpecHash = "h" }));
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("args")]
    [InlineData("env value")]
    [InlineData("env secret key")]
    [InlineData("port")]
    public void A_Workload_Verified_With_Another_Binary_Args_Env_Or_Port_Is_Not(string change)
    {
        var spec = Spec();
        var workload = Workload(spec);
        switch (change)
        {
            case "binary":
                workload.Binary = "other";
                break;
            case "args":
                workload.Args = ["--port", "9"];
                break;
            case "env value":
                workload.Env![0].Value = "debug";
                break;
            case "env secret key":
                workload.Env![1].SecretKeyRef = new KeyReference { Name = "db", Key = "other" };
                break;
            case "port":
                workload.ContainerPort = 9000;
                break;
        }

        Assert.False(DeployReconciler.IsCurrentSpecs(spec, workload));
    }

    private static TinyImageSpec Spec() => new()
    {
        Binary = "hello",
        Deploy = new DeploySpec
        {
            Args = ["--port", "8080"],
            Env =
            [
                new EnvVarSpec { Name = "LOG", Value = "info" },
                new EnvVarSpec { Name = "DB", ValueFrom = new EnvVarSourceSpec { SecretKeyRef = new KeyReference { Name = "db", Key = "url" } } },
            ],
            ContainerPort = 8080,
        },
    };

    private static ServingStatus Workload(TinyImageSpec spec) => new()
    {
        Reference = "registry.local/hello@sha256:" + new string('a', 64),
        SpecHash = "hash",
        Binary = spec.Binary,
        Args = [.. spec.Deploy.Args!],
        Env = [.. spec.Deploy.Env!.Select(EnvVarStatus.From)],
        ContainerPort = spec.Deploy.ContainerPort,
    };
}

using System.Text.Json.Nodes;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;
using static TinyImage.Operator.Tests.Reconciler.StepHarness;

namespace TinyImage.Operator.Tests.Reconciler;

public sealed class InputsReconcilerTests
{
    [Fact]
    public async Task A_Valid_Spec_With_Its_Source_Continues_With_The_Build_Hash_And_Writes_Nothing()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var run = new Reconciliation(await h.CreateTinyImageAsync(), Now);

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        Assert.NotNull(run.Hash);
        Assert.NotNull(run.Inputs!.SourceDigest);
        Assert.Equal("hello", run.Valid.Spec.Binary);
        Assert.Equal(0, h.Writes());
    }

    [Fact]
    public async Task The_Same_Inputs_Give_The_Same_Hash_And_A_Changed_Source_Another()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync();
        var first = new Reconciliation(tinyImage, Now);
        var second = new Reconciliation(tinyImage, Now);
        await Step(h).ReconcileAsync(first, Token);
        await Step(h).ReconcileAsync(second, Token);

        Assert.True(h.Kube.Mutate("v1", "configmaps", Namespace, "hello-src", c => c["data"]!["main.rs"] = "fn main() { panic!() }\n").IsSuccess);
        var changed = new Reconciliation(tinyImage, Now);
        await Step(h).ReconcileAsync(changed, Token);

        Assert.Equal(first.Hash, second.Hash);
        Assert.NotEqual(first.Hash, changed.Hash);
        Assert.Equal(0, h.Writes());
    }

    [Fact]
    public async Task A_Validation_Whose_Regex_Times_Out_Is_Retried_Not_Reported_As_InvalidSpec()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync();
        var run = new Reconciliation(tinyImage, Now);

        // A validator whose pattern backtracks past its timeout, as any match may on a machine too loaded to finish in time.
        var slow = new System.Text.RegularExpressions.Regex("^(a+)+$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(1));
        var timingOut = new InputsReconciler(h.Cluster, Options, validator: t => slow.IsMatch(new string('a', 40) + "!") ? throw new InvalidOperationException("matched") : TinyImage.Api.SpecValidator.Validate(t));
        var result = await timingOut.ReconcileAsync(run, Token);

        Assert.Equal(StepAction.Retry, result.Action);
        Assert.True(result.EndsPass);
        Assert.DoesNotContain(run.Status.Conditions!, c => c.Reason == Conditions.ReasonInvalidSpec);
        Assert.Null(run.Hash);
        Assert.Equal(0, h.Writes());

        // The next pass, with time to finish, finds the spec valid.
        var next = await Step(h).ReconcileAsync(new Reconciliation(tinyImage, Now), Token);
        Assert.Equal(StepAction.Continue, next.Action);
    }

    [Fact]
    public async Task A_Missing_Source_ConfigMap_Stops_With_SourceNotFound_And_Looks_Again_Later()
    {
        await using var h = await StartAsync();
        var run = new Reconciliation(await h.CreateTinyImageAsync(), Now);

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Stop, Conditions.ReasonSourceNotFound), (result.Action, result.Reason));
        Assert.Contains("hello-src", result.Message, StringComparison.Ordinal);
        Assert.Equal(StepResult.Recheck, result.RequeueAfter);
        Assert.Null(run.Hash);
    }

    [Fact]
    public async Task An_Invalid_Spec_Stops_With_InvalidSpec_Naming_The_Field_Without_A_Requeue()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var tinyImage = ObjectCopy.Clone(await h.CreateTinyImageAsync(), TinyImageTypes.TinyImages.ItemInfo);
        tinyImage.Spec.Binary = "hello; rm -rf /";
        h.Kube.Requests.Clear();
        var run = new Reconciliation(tinyImage, Now);

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Stop, Conditions.ReasonInvalidSpec), (result.Action, result.Reason));
        Assert.Contains("binary", result.Message, StringComparison.Ordinal);
        Assert.Null(result.RequeueAfter);
        Assert.Null(run.Inputs);
        Assert.Empty(h.Kube.Requests.All);
    }

    [Fact]
    public async Task A_Spec_Outside_The_Admin_Policy_Stops_With_PolicyDenied_Naming_The_Field_Before_Any_Secret_Is_Read()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync(edit: ti =>
        {
            ti["spec"]!["output"]!["pushSecret"] = "push";
            ti["spec"]!["build"] = new JsonObject { ["kanikoImage"] = "evil.example.com/kaniko:1" };
        });
        h.Kube.Requests.Clear();
        var run = new Reconciliation(tinyImage, Now);

        var result = await Step(h).ReconcileAsync(run, Token);
        var strict = await new InputsReconciler(h.Cluster, Options with { Policy = new() }).ReconcileAsync(new Reconciliation(tinyImage, Now), Token);

        Assert.Equal((StepAction.Stop, Conditions.ReasonPolicyDenied), (result.Action, result.Reason));
        Assert.Equal("spec.build.kanikoImage: 'evil.example.com/kaniko:1' is not allowed by the operator's policy (policy.allowedKanikoImages: only the operator's defaults)", result.Message);
        Assert.Null(result.RequeueAfter);
        Assert.Null(run.Hash);
        Assert.Contains("spec.output.insecure: 'true for registry registry.local:5000'", strict.Message, StringComparison.Ordinal);
        Assert.Empty(h.Kube.Requests.All);
    }

    [Fact]
    public async Task A_Missing_Push_Secret_Or_One_Without_A_Docker_Config_Stops_With_SecretNotFound()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync(edit: ti => ti["spec"]!["output"]!["pushSecret"] = "push");

        var missing = await Step(h).ReconcileAsync(new Reconciliation(tinyImage, Now), Token);
        Assert.True(h.Kube.Create("v1", "secrets", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "push", ["namespace"] = Namespace },
            ["data"] = new JsonObject { ["token"] = "eA==" },
        }).IsSuccess);
        var wrongType = await Step(h).ReconcileAsync(new Reconciliation(tinyImage, Now), Token);

        // Secret probing: a missing Secret and an existing one of another type read the same in status.
        Assert.Equal((StepAction.Stop, Conditions.ReasonSecretNotFound), (missing.Action, missing.Reason));
        Assert.Equal("Secret push (spec.output.pushSecret) is not usable: it must exist in namespace demo with the key .dockerconfigjson (type kubernetes.io/dockerconfigjson)", missing.Message);
        Assert.Equal((missing.Action, missing.Reason, missing.Message), (wrongType.Action, wrongType.Reason, wrongType.Message));
    }

    private static InputsReconciler Step(StepHarness h) => new(h.Cluster, Options);
}

using k8s.Models;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>What the Job controller's Events and the build pod's status say, as named reasons.</summary>
public sealed class BuildDiagnosisTests
{
    [Theory]
    [InlineData("Error creating: pods \"b-1\" is forbidden: violates PodSecurity \"restricted:latest\": runAsNonRoot != true", "BuildFailed", true)]
    [InlineData("Error creating: pods \"b-1\" is forbidden: error looking up service account demo/builder: serviceaccount \"builder\" not found", "BuildFailed", true)]
    [InlineData("Error creating: pods \"b-1\" is forbidden: exceeded quota: compute, requested: limits.memory=2Gi, used: limits.memory=7Gi, limited: limits.memory=8Gi", "BuildPodQuotaExceeded", false)]
    [InlineData("Error creating: Internal error occurred: resource quota evaluation timed out", "BuildPodCreateFailed", false)]
    public void A_FailedCreate_Event_Names_The_Refusal(string message, string reason, bool permanent)
    {
        var trouble = BuildDiagnosis.FromEvents([Event("FailedCreate", "Warning", message)], "b");

        Assert.NotNull(trouble);
        Assert.Equal((reason, permanent), (trouble.Reason, trouble.Permanent));
        Assert.Contains(message, trouble.Message);
    }

    [Fact]
    public void Other_Events_Say_Nothing()
    {
        Assert.Null(BuildDiagnosis.FromEvents([Event("SuccessfulCreate", "Normal", "Created pod: b-1")], "b"));
    }

    [Fact]
    public void A_Running_Pod_Says_Nothing_And_An_OOMKilled_Last_State_Is_Named()
    {
        var pod = new ObservedPod
        {
            Metadata = new V1ObjectMeta { Name = "b-1" },
            Status = new ObservedPodStatus
            {
                Phase = "Running",
                ContainerStatuses = [new ObservedContainerStatus { Name = "kaniko", Image = "k", State = new ObservedContainerState() }],
            },
        };
        Assert.Null(BuildDiagnosis.FromPods([pod]));

        pod.Status.ContainerStatuses[0].LastState = new ObservedContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 137, Reason = "OOMKilled" } };
        Assert.Equal("BuildOOMKilled", BuildDiagnosis.FromPods([pod])?.Reason);
    }

    private static Corev1Event Event(string reason, string type, string message) => new()
    {
        Metadata = new V1ObjectMeta { Name = "b.1", NamespaceProperty = "demo" },
        InvolvedObject = new V1ObjectReference { Kind = "Job", Name = "b" },
        Reason = reason,
        Type = type,
        Message = message,
    };
}

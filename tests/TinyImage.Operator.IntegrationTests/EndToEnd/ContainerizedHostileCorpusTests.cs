using System.Globalization;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.StandIns;
using TinyImage.Operator.IntegrationTests.Registry;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 16's evidence: the hostile corpus against the operator as it ships. Each case runs the operator's own image in the
/// pod the chart renders (its securityContext: read-only root, uid 65532, no capabilities; its scratch emptyDir and TMPDIR;
/// its memory limit, which podman enforces with the memory cgroup where it can) through the podman kubelet stand-in, with
/// the container's arguments replaced by <c>verify REF</c>: the pipeline the reconciler's verifier runs
/// (<c>ImageSbomReader</c>). Each case must end in its named reason without being OOM-killed, and its peak (the memory
/// cgroup's max usage, else the process's VmHWM) is printed beside the chart's limit.
/// </summary>
[Collection(nameof(LocalCluster))]
public sealed class ContainerizedHostileCorpusTests(ContainerizedCorpusFixture fixture) : IClassFixture<ContainerizedCorpusFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Cases => new()
    {
        { "baseline", "Verified" },
        { "pax-name-flood", "ImageTooLarge" },
        { "gzip-bomb", "ImageTooLarge" },
        { "zstd-bomb", "ImageTooLarge" },
        { "ten-thousand-layers", "ImageTooLarge" },
        { "package-flood", "SbomTooLarge" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_Shipped_Operator_Container_Ends_A_Hostile_Image_In_Its_Named_Reason_Within_The_Chart_Memory_Limit(string attack, string reason)
    {
        fixture.Require();
        string digest;
        using (var client = fixture.Corpus.Client())
        {
            digest = await HostileCorpusMemoryTests.Build(attack).PushAsync(client, fixture.Corpus.Ref("corpus/" + attack), "v1", Ct);
        }

        var pod = VerifyPod(attack, $"{fixture.Corpus.Host}/corpus/{attack}@{digest}");
        var chartLimit = ChartMemoryLimit(fixture.Deployment);
        var options = new PodmanPodOptions(Path.Combine(fixture.Directory, "pods"), new Uri("https://127.0.0.1:1"), (_, _, _, _) => null)
        {
            RegistryCertDirectory = fixture.ImageRegistry!.CertDirectory,
            AuthFile = fixture.AuthFile,
        };
        await using var running = PodmanPod.Start(pod, options);
        await Eventually.HoldsAsync(
            () => running.Status is { Phase: "Succeeded" or "Failed" } or { Reason: "CreateContainerConfigError" or "ErrImagePull" or "RunContainerError" or "StandInError" },
            "the verify container of " + attack + " ends", Ct, attempts: 3000, () => running.Key + ": " + running.Status);

        var status = running.Status;
        var end = status.LastTermination;
        var logs = end?.Logs ?? "";
        TestContext.Current.TestOutputHelper!.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{attack}: exit {end?.ExitCode} ({end?.Reason}), peak {status.MemoryPeakBytes / 1048576.0:0.0} MiB of the chart's {chartLimit / 1048576} MiB limit (enforced by the cgroup: {status.MemoryLimitEnforced}); {logs.Split('\n').FirstOrDefault(l => l.StartsWith(reason + ":", StringComparison.Ordinal) || l.Contains(reason, StringComparison.Ordinal))}"));
        TestContext.Current.TestOutputHelper!.WriteLine("podman run " + string.Join(' ', running.RunArguments));
        Assert.NotNull(end);
        Assert.NotEqual("OOMKilled", end.Reason);
        Assert.NotEqual(137, end.ExitCode); // SIGKILL: the OOM killer, where podman does not say so
        Assert.Equal(reason == "Verified", end.ExitCode == 0);
        Assert.Contains(reason, logs, StringComparison.Ordinal);
        Assert.Equal(chartLimit, status.MemoryLimitBytes);
        Assert.InRange(status.MemoryPeakBytes ?? 0, 1, chartLimit - 1);
    }

    /// <summary>The chart's pod, one-shot: its container runs <c>verify REF</c> instead of <c>run</c>, without probes (verify serves no health endpoint) and without an API token (verify talks to no API server).</summary>
    private JsonObject VerifyPod(string attack, string reference)
    {
        var spec = (JsonObject)fixture.Deployment["spec"]!["template"]!["spec"]!.DeepClone();
        spec["restartPolicy"] = "Never";
        spec["automountServiceAccountToken"] = false;
        spec.Remove("imagePullSecrets"); // the stand-in pulls with the fixture's auth file
        var container = (JsonObject)spec["containers"]![0]!;
        Assert.Equal(fixture.OperatorImage, (string?)container["image"]);
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            container.Remove(probe);
        }

        var tempDir = ((JsonArray)container["args"]!).Select(a => (string?)a).Single(a => a!.StartsWith("--temp-dir=", StringComparison.Ordinal))!;
        container["args"] = new JsonArray("verify", reference, "--insecure", LoopbackAllowed.Flag, tempDir);
        spec["containers"] = new JsonArray(container.DeepClone());
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "verify-" + attack, ["namespace"] = LocalCluster.OperatorNamespace, ["uid"] = Guid.NewGuid().ToString() },
            ["spec"] = spec,
        };
    }

    /// <summary>The chart's <c>resources.limits.memory</c> as the Deployment carries it, in bytes.</summary>
    private static long ChartMemoryLimit(JsonObject deployment)
    {
        var text = (string?)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]?["limits"]?["memory"];
        return KubeQuantity.Bytes(text) ?? throw new InvalidOperationException("the chart sets no memory limit: " + text);
    }
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// What a TinyImage costs the API server on its way to Ready, counted from the emulator's request log: its five
/// children created (the build pods' NetworkPolicy, the build Job carrying its Containerfile, the SBOM ConfigMap, the
/// Deployment and the Service), status written when a person would look, and Events only for what a person acts on.
/// </summary>
public sealed class WriteCountTests
{
    [Fact]
    public async Task A_Quick_Success_Costs_Five_Creates_At_Most_Two_Status_Writes_And_Two_Events()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();

        // Phases that end within 30 s write nothing of their own, however loaded the machine running the test.
        h.StartOperator(progressDelay: TimeSpan.FromSeconds(30));
        h.Kube.Requests.Clear();

        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        await Eventually.TrueAsync(() => Events(h, "hello").Count >= 2, "the Ready event");

        var writes = OperatorWrites(h);
        var summary = string.Join(", ", writes.Select(w => w.Verb + " " + w.Resource + "/" + w.Subresource + " " + w.Name));
        Assert.Equal(1, writes.Count(w => w.Verb == "create" && w.Resource == "configmaps")); // the SBOM's: no Containerfile ConfigMap
        Assert.NotNull(h.Object("v1", "configmaps", "hello-sbom"));
        Assert.Equal(1, writes.Count(w => w.Verb == "create" && w.Resource == "jobs"));
        Assert.Equal(1, writes.Count(w => w.Verb == "create" && w.Resource == "deployments"));
        Assert.Equal(1, writes.Count(w => w.Verb == "create" && w.Resource == "services"));
        Assert.Equal(1, writes.Count(w => w.Verb == "create" && w.Resource == "networkpolicies")); // the build pods' NetworkPolicy (issue 16)
        Assert.InRange(h.StatusWrites("hello"), 1, 2);
        Assert.Equal(["Building", "Ready"], Events(h, "hello"));
        // Issue 17's budget: 5 creates, at most 2 status writes, 2 Events.
        Assert.Equal(5, writes.Count(w => w.Verb == "create" && w.Resource is not "events"));
        Assert.True(writes.Count <= 9, writes.Count + " writes: " + summary);
        Assert.DoesNotContain(writes, w => w.Verb is "update" or "patch" && w.Subresource != "status");
    }

    [Fact]
    public async Task A_Quick_Success_Reads_Its_Build_Pods_And_Its_Sbom_ConfigMap_Once_Each_And_Never_Its_Job()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator(progressDelay: TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => h.Kube.Requests.Count("watch", "jobs") > 0 && h.Kube.Requests.Count("watch", "configmaps") > 0, "the informers watch");
        h.Kube.Requests.Clear();

        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        await Eventually.TrueAsync(() => Events(h, "hello").Count >= 2, "the Ready event");

        // Issue 17: what a TinyImage costs in reads on its way to Ready, besides its source (not watched: read per pass).
        // The passes between the build's end and the Ready write (which waits while verification and rollout are quick)
        // listed the Job's pods each for the digest, and each pass after the verification was submitted but before status
        // recorded it read the SBOM ConfigMap again (5 reads or more; then 3: the Job before it is created, its pods once,
        // the SBOM ConfigMap's name before verifying; now 2: a Job is read only when this process created it and the
        // cache has not shown it yet, or when its create answers 409).
        var reads = h.Kube.Requests.Where(r => r.Verb is "get" or "list" && r.Resource is not ("leases" or null)
            && r.UserAgent?.Contains("(op-", StringComparison.Ordinal) == true && r.Name != "hello-src");
        var summary = string.Join(", ", reads.Select(r => r.Verb + " " + r.Resource + " " + r.Name));
        Assert.Equal(0, reads.Count(r => r.Verb == "get" && r.Resource == "jobs"));
        Assert.Equal(1, reads.Count(r => r.Verb == "list" && r.Resource == "pods"));
        Assert.Equal(1, reads.Count(r => r.Verb == "get" && r.Resource == "configmaps" && r.Name == "hello-sbom"));
        Assert.True(reads.Count == 2, reads.Count + " reads: " + summary);
    }

    [Fact]
    public async Task A_Verification_That_Lasts_Is_Reported_As_Verifying_And_One_That_Answers_At_Once_Is_Not()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        await using var watch = new PhaseWatch(h);
        h.StartOperator();

        // The first verification holds (a pull): a person sees Verifying while it lasts.
        h.Verifier.Close();
        h.CreateTinyImage("slow");
        await h.WaitForPhaseAsync("slow", "Verifying");
        h.Verifier.Open();
        await h.WaitForPhaseAsync("slow", "Ready");
        await Eventually.TrueAsync(() => watch.Of("slow").LastOrDefault() == "Ready", "the watch sees slow Ready");
        Assert.Equal(["Building", "Verifying", "Ready"], watch.Of("slow"));

        // A verification that answers at once (as the verifier's cache does) writes no phase of its own.
        h.CreateTinyImage("quick");
        await h.WaitForPhaseAsync("quick", "Ready");
        await Eventually.TrueAsync(() => watch.Of("quick").LastOrDefault() == "Ready", "the watch sees quick Ready");
        Assert.Equal("Building", watch.Of("quick")[0]);
        Assert.DoesNotContain("Verifying", watch.Of("quick"));
    }

    [Fact]
    public async Task A_Rollout_That_Lasts_Is_Reported_As_Deploying()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.CreateSource();
        await using var watch = new PhaseWatch(h);
        h.StartOperator();

        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Deploying");
        Assert.Equal("False", (string?)h.Condition("hello", "Deployed")?["status"]);
        h.Kube.Deployments.MarkAvailable(Namespace, "hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        await Eventually.TrueAsync(() => watch.Of("hello").LastOrDefault() == "Ready", "the watch sees Ready");
        Assert.Equal(["Building", "Deploying", "Ready"], watch.Of("hello"));
        Assert.Equal(["Building", "Ready"], Events(h, "hello"));
    }

    private static IReadOnlyList<RecordedRequest> OperatorWrites(OperatorHarness h) =>
        h.Kube.Requests.Where(r => r.IsWrite && r.StatusCode is >= 200 and < 300 && r.Resource != "leases" && r.UserAgent?.Contains("(op-", StringComparison.Ordinal) == true);

    /// <summary>The actions of the Events about a TinyImage, oldest first.</summary>
    private static List<string> Events(OperatorHarness h, string name) =>
        [.. h.Kube.List("events.k8s.io/v1", "events", Namespace)
            .Where(e => (string?)e["regarding"]?["name"] == name)
            .OrderBy(e => (string?)e["eventTime"], StringComparer.Ordinal)
            .Select(e => (string)e["action"]!)];

    /// <summary>
    /// Every phase a TinyImage's status showed, in order, from a watch opened before the operator starts: one entry per
    /// committed change whose phase differs from the one before (the create itself has none).
    /// </summary>
    private sealed class PhaseWatch : IAsyncDisposable
    {
        private readonly HttpClient client;
        private readonly CancellationTokenSource stop = new();
        private readonly ConcurrentQueue<(string Name, string? Phase)> seen = new();
        private readonly Task reading;

        public PhaseWatch(OperatorHarness h)
        {
            client = h.Kube.CreateHttpClient();
            var path = "apis/tinyimage.dev/v1alpha1/namespaces/" + Namespace + "/tinyimages?watch=true&resourceVersion=" + h.Kube.ResourceVersion;
            reading = ReadAsync(new Uri(h.Kube.BaseAddress, path));
        }

        public List<string> Of(string name)
        {
            var phases = new List<string>();
            foreach (var (n, phase) in seen)
            {
                if (n == name && phase is not null && (phases.Count == 0 || phases[^1] != phase))
                {
                    phases.Add(phase);
                }
            }

            return phases;
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            try
            {
                await reading;
            }
            catch (OperationCanceledException)
            {
                // stopped
            }

            client.Dispose();
            stop.Dispose();
        }

        private async Task ReadAsync(Uri uri)
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, stop.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (JsonNode.Parse(line)?["object"] is JsonObject obj)
                {
                    seen.Enqueue(((string)obj["metadata"]!["name"]!, (string?)obj["status"]?["phase"]));
                }
            }
        }
    }
}

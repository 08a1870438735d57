using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TinyImage.KubeEmulator;
using TinyImage.Kube;
using TinyImage.Oci;
using TinyImage.Operator.IntegrationTests.Controllers;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Sources;
using TinyImage.Operator.Sources.Webhooks;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Sources;

/// <summary>
/// Source revisions against a real git server (lighttpd + git http-backend over HTTPS on loopback): the operator
/// resolves the tracked branch to its commit, builds that commit, and a push to the branch, seen by a poll or announced
/// by a signed webhook, starts exactly one new build whose status names the new commit and the reason NewCommit.
/// </summary>
public sealed class GitSourceTests
{
    private const string WebhookToken = "hook-secret";

    [Fact]
    public async Task A_Push_To_The_Tracked_Branch_Behind_Basic_Auth_Is_Polled_And_Rebuilds_Exactly_Once_With_The_New_Commit()
    {
        await using var git = await GitHttpServer.StartAsync(basicAuth: true, TestContext.Current.CancellationToken);
        Assert.SkipWhen(git.SkipReason is not null, git.SkipReason ?? "");
        await using var h = await StartAsync();
        var digests = new[] { Digest('a'), Digest('b'), Digest('c') };
        var built = 0;
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => digests[Math.Min(Interlocked.Increment(ref built) - 1, 2)] + "\n");
        h.Kube.Deployments.AutoReady = true;
        CreateSecret(h, "git-credentials", ("username", GitHttpServer.Username), ("password", GitHttpServer.Password));
        StartOperator(h, git);
        var first = git.FirstCommit;

        // The branch is resolved through the credentials Secret; the build is pinned to its commit.
        CreateGitTinyImage(h, "hello", git, pollIntervalSeconds: 1, credentials: "git-credentials");
        await h.WaitForPhaseAsync("hello", "Ready");
        AssertBuild(h, "hello", first, "FirstBuild");
        Assert.Equal(git.RepositoryUrl["https://".Length..], ContextOf(CurrentJob(h, "hello")).Split('#')[0]["git://".Length..]);
        Assert.Equal("refs/heads/main#" + first, ContextOf(CurrentJob(h, "hello")).Split('#', 2)[1]);
        Assert.Equal(1, h.JobCreates());

        // A developer pushes to main: the next poll sees the commit and one build follows.
        var second = await git.CommitAsync("second", TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => (string?)h.TinyImage("hello")?["status"]?["build"]?["commit"] == second, "a build of the pushed commit", () => h.TinyImage("hello")?["status"]?.ToJsonString() ?? "");
        await Eventually.TrueAsync(() => h.Phase("hello") == "Ready" && h.DeployedImage("hello") == Repository + "@" + Digest('b'), "the new commit's image serving");
        AssertBuild(h, "hello", second, "NewCommit");
        Assert.EndsWith("#refs/heads/main#" + second, ContextOf(CurrentJob(h, "hello")), StringComparison.Ordinal);
        Assert.Equal(second, (string?)h.TinyImage("hello")!["status"]!["source"]!["commit"]);

        // Later polls find the same commit: no further build.
        var seen = git.RefAdvertisements;
        await Eventually.TrueAsync(() => git.RefAdvertisements >= seen + 2, "two more polls");
        Assert.Equal(2, h.JobCreates());

        // A spec change at the same commit is a SpecChanged build.
        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["noDefaultFeatures"] = true });
        await Eventually.TrueAsync(() => (string?)h.TinyImage("hello")?["status"]?["build"]?["reason"] == "SpecChanged", "a build for the spec change");
        AssertBuild(h, "hello", second, "SpecChanged");
        Assert.Equal(3, h.JobCreates());
    }

    [Fact]
    public async Task Without_The_Credentials_Secret_A_Private_Repository_Stalls_Saying_Why()
    {
        await using var git = await GitHttpServer.StartAsync(basicAuth: true, TestContext.Current.CancellationToken);
        Assert.SkipWhen(git.SkipReason is not null, git.SkipReason ?? "");
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a') + "\n");
        StartOperator(h, git);

        CreateGitTinyImage(h, "private", git, pollIntervalSeconds: 0);
        await h.WaitForPhaseAsync("private", "Failed");
        var stalled = h.Condition("private", "Stalled")!;
        Assert.Equal("SourceUnresolved", (string?)stalled["reason"]);
        Assert.Contains("401", (string?)stalled["message"], StringComparison.Ordinal);
        Assert.Equal(0, h.JobCreates());
    }

    [Fact]
    public async Task A_Signed_GitHub_Push_Webhook_Rebuilds_At_Once_And_A_Bad_Signature_Is_Refused_With_401()
    {
        await using var git = await GitHttpServer.StartAsync(basicAuth: false, TestContext.Current.CancellationToken);
        Assert.SkipWhen(git.SkipReason is not null, git.SkipReason ?? "");
        await using var h = await StartAsync();
        var built = 0;
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => (Interlocked.Increment(ref built) == 1 ? Digest('a') : Digest('b')) + "\n");
        h.Kube.Deployments.AutoReady = true;
        CreateSecret(h, "hello-webhook", ("token", WebhookToken));
        StartOperator(h, git);
        var first = git.FirstCommit;

        // Polling is off: only the webhook can tell the operator about a push.
        CreateGitTinyImage(h, "hello", git, pollIntervalSeconds: 0, webhookSecret: "hello-webhook");
        await h.WaitForPhaseAsync("hello", "Ready");
        AssertBuild(h, "hello", first, "FirstBuild");

        var second = await git.CommitAsync("second", TestContext.Current.CancellationToken);
        var connection = new KubeConnection(h.Kube.CreateHttpClient(), h.Kube.BaseAddress) { Identity = "replica-2" };
        var cluster = new ClusterView(connection);
        var receiver = new WebhookReceiver(cluster.TinyImages, cluster.Secrets, [], TimeProvider.System, h.Loggers.CreateLogger("webhooks"));
        await using var server = WebhookServer.Start(0, receiver, h.Loggers.CreateLogger("webhooks"));
        using var client = new HttpClient();
        var payload = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["ref"] = "refs/heads/main",
            ["after"] = second,
            ["repository"] = new JsonObject { ["clone_url"] = git.RepositoryUrl, ["default_branch"] = "main" },
        }.ToJsonString());

        // A GitLab-style delivery with the wrong token, then a forged GitHub one (signed with another secret).
        using (var gitLab = new HttpRequestMessage(HttpMethod.Post, server.LocalAddress) { Content = new ByteArrayContent(payload) })
        {
            gitLab.Headers.Add("X-Gitlab-Event", "Push Hook");
            gitLab.Headers.Add("X-Gitlab-Token", "guess");
            using var refused = await client.SendAsync(gitLab, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var forged = await DeliverAsync(client, server, payload, WebhookSignature.GitHubHeader(payload, "wrong"u8));
        Assert.Equal(HttpStatusCode.Unauthorized, forged);
        Assert.Null(h.TinyImage("hello")!["metadata"]!["annotations"]?["tinyimage.dev/push"]);

        // The real one: the push is recorded on the TinyImage, the leader resolves at once, one build follows.
        var genuine = await DeliverAsync(client, server, payload, WebhookSignature.GitHubHeader(payload, Encoding.UTF8.GetBytes(WebhookToken)));
        Assert.Equal(HttpStatusCode.Accepted, genuine);
        await Eventually.TrueAsync(() => (string?)h.TinyImage("hello")?["status"]?["build"]?["commit"] == second, "a build of the pushed commit", () => h.TinyImage("hello")?["status"]?.ToJsonString() ?? "");
        await Eventually.TrueAsync(() => h.Phase("hello") == "Ready" && h.DeployedImage("hello") == Repository + "@" + Digest('b'), "the new commit's image serving");
        AssertBuild(h, "hello", second, "NewCommit");
        Assert.Equal(2, h.JobCreates());
        // lighttpd writes its access log in batches: wait for the line of the webhook's resolve, then count.
        await Eventually.TrueAsync(() => git.RefAdvertisements >= 2, "the webhook's resolve in the access log");
        Assert.Equal(2, git.RefAdvertisements);
    }

    private static async Task<HttpStatusCode> DeliverAsync(HttpClient client, WebhookServer server, byte[] payload, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.LocalAddress) { Content = new ByteArrayContent(payload) };
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-Hub-Signature-256", signature);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    internal static GitRefResolver Resolver(GitHttpServer git) =>
        new(GitRefResolver.CreateHandler(OutboundPolicy.Create(["127.0.0.1"]), new X509Certificate2Collection(git.Pki!.Ca)), new GitResolverOptions(), TimeProvider.System);

    private static void StartOperator(OperatorHarness h, GitHttpServer git) =>
        h.StartOperator(configure: s => s with { GitResolver = Resolver(git), GitPollMinimum = TimeSpan.FromMilliseconds(500) });

    private static void AssertBuild(OperatorHarness h, string name, string commit, string reason)
    {
        var build = h.TinyImage(name)!["status"]!["build"]!;
        Assert.Equal((commit, reason), ((string?)build["commit"], (string?)build["reason"]));
        var job = CurrentJob(h, name);
        Assert.Equal(commit, (string?)job["metadata"]!["annotations"]!["tinyimage.dev/source-commit"]);
    }

    /// <summary>The Job of the build status names (older builds' Jobs may still exist).</summary>
    private static JsonObject CurrentJob(OperatorHarness h, string name) =>
        h.Object("batch/v1", "jobs", (string)h.TinyImage(name)!["status"]!["build"]!["jobName"]!)!;

    private static string ContextOf(JsonObject job) =>
        job["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).Single(a => a.StartsWith("--context=", StringComparison.Ordinal))["--context=".Length..];

    private static void CreateSecret(OperatorHarness h, string name, params (string Key, string Value)[] data)
    {
        var values = new JsonObject();
        foreach (var (key, value) in data)
        {
            values[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        }

        var result = h.Kube.Create("v1", "secrets", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["type"] = "Opaque",
            ["data"] = values,
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    internal static void CreateGitTinyImage(OperatorHarness h, string name, GitHttpServer git, int pollIntervalSeconds, string? credentials = null, string? webhookSecret = null)
    {
        var source = new JsonObject { ["url"] = git.RepositoryUrl, ["ref"] = new JsonObject { ["branch"] = "main" }, ["pollIntervalSeconds"] = pollIntervalSeconds };
        if (credentials is not null)
        {
            source["credentialsSecret"] = credentials;
        }

        if (webhookSecret is not null)
        {
            source["webhookSecret"] = webhookSecret;
        }

        var result = h.Kube.Create("tinyimage.dev/v1alpha1", "tinyimages", new JsonObject
        {
            ["apiVersion"] = "tinyimage.dev/v1alpha1",
            ["kind"] = "TinyImage",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["spec"] = new JsonObject
            {
                ["source"] = new JsonObject { ["git"] = source },
                ["binary"] = "hello",
                ["output"] = new JsonObject { ["repository"] = Repository, ["insecure"] = true },
            },
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }
}

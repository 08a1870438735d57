using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using TinyImage.KubeEmulator;
using TinyImage.Operator.Controllers;
using TinyImage.Operator.Hosting;
using TinyImage.Operator.IntegrationTests.Controllers;
using TinyImage.Operator.Kube;
using TinyImage.Testing;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Rbac;

/// <summary>
/// The operator's full lifecycle with the API server itself enforcing RBAC: the emulator serves HTTPS, the operator
/// connects through a kubeconfig holding its ServiceAccount's token (and the CA), and the only grants are the RBAC
/// objects rendered from config/rbac (kubectl kustomize config/default) or from the Helm chart (helm template), applied
/// as they are. Every live request is authorized by the server; a single 403 fails the test.
/// </summary>
public sealed class RbacEnforcedLifecycleTests : IDisposable
{
    private const string OperatorNamespace = "tinyimage-system";
    private readonly string _dir = Directory.CreateTempSubdirectory("rbac-enforced-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("kustomize config/default")]
    [InlineData("helm template")]
    [InlineData("helm template --set watchNamespaces={demo}")]
    public async Task The_Operator_Runs_Its_Whole_Lifecycle_With_Only_The_Shipped_Rbac_And_Is_Never_Refused(string source)
    {
        var (rendered, serviceAccount, watch) = await RenderAsync(source);
        await using var h = await StartAsync(new ApiServerEmulatorOptions { Https = true });
        var applied = Apply(h.Kube, rendered);
        Assert.Contains(applied, k => k is "ClusterRole" or "Role");
        Assert.Contains("RoleBinding", applied);
        var token = h.Kube.CreateToken(OperatorNamespace, serviceAccount);
        using (var probe = h.Kube.CreateHttpClient(token))
        {
            // The token really is confined by RBAC: listing Secrets is granted to nobody but admins.
            using var secrets = await probe.GetAsync(new Uri("/api/v1/namespaces/demo/secrets", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(403, (int)secrets.StatusCode);
        }

        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        CreatePushSecret(h);
        var kubeconfig = h.Kube.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"), OperatorNamespace, token);
        var op = Start(h, kubeconfig, FastOptions with { LeaderElection = true, WatchNamespaces = watch });
        Exception? failure = null;
        try
        {
            h.CreateTinyImage("hello");
            h.EditSpec("hello", spec => spec["output"]!["pushSecret"] = "registry-push");
            await h.WaitForPhaseAsync("hello", "Ready");
            h.EditSpec("hello", spec => spec["deploy"] = new JsonObject { ["replicas"] = 2 });
            await Eventually.TrueAsync(() => (int?)h.Object("apps/v1", "deployments", "hello")?["spec"]?["replicas"] == 2, "the Deployment follows the spec");

            h.Kube.Jobs.Runner = JobRunners.FailWith("BackoffLimitExceeded", "error: build failed");
            h.CreateTinyImage("broken", build: new JsonObject { ["noDefaultFeatures"] = true });
            await h.WaitForPhaseAsync("broken", "Failed");
            var deleted = h.Kube.Delete("tinyimage.dev/v1alpha1", "tinyimages", Namespace, "broken");
            Assert.True(deleted.IsSuccess, deleted.Body.ToJsonString());
            await Eventually.TrueAsync(() => h.TinyImage("broken") is null && h.JobFor("broken") is null, "the TinyImage and its build Job are gone");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A refusal usually shows first as a phase that never comes: report the refusals, then this.
            failure = e;
        }
        finally
        {
            await op.StopAsync();
        }

        var requests = h.Kube.Requests.All.Where(r => r.UserAgent?.StartsWith("tinyimage-operator", StringComparison.Ordinal) == true).ToList();
        Assert.Contains(requests, r => r.Resource == "leases" && r.StatusCode is 200 or 201);
        var refused = requests.Where(r => r.StatusCode is 401 or 403)
            .Select(r => $"{r.StatusCode} {r.Verb} {r.Group}/{r.Resource}{(r.Subresource is null ? "" : "/" + r.Subresource)} in {r.Namespace ?? "(cluster)"}")
            .Distinct().ToList();
        Assert.True(refused.Count == 0, "the server refused requests of the operator under the RBAC from " + source + ":\n" + string.Join('\n', refused)
            + (failure is null ? "" : "\nand the lifecycle failed: " + failure.Message));
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static RunningOperator Start(OperatorHarness h, string kubeconfig, TinyImage.Operator.Configuration.OperatorOptions options)
    {
        var connection = KubeConnection.FromConfig(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig), "op-rbac");
        var settings = new ControllerSettings
        {
            Instance = "op-rbac",
            Queue = new WorkQueueOptions { BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(500) },
            Informer = new InformerOptions { BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(500), WatchTimeoutSeconds = 60 },
        };
        return new RunningOperator(new OperatorHost(connection, h.Verifier, options, settings, TimeProvider.System, h.Loggers, "op-rbac"), connection);
    }

    /// <summary>The ServiceAccount and RBAC objects of the rendered manifests, created as an admin applying them would.</summary>
    private static List<string> Apply(ApiServerEmulator kube, IReadOnlyList<JsonObject> rendered)
    {
        var kinds = new List<string>();
        foreach (var o in rendered)
        {
            var kind = (string?)o["kind"];
            var plural = kind switch
            {
                "ServiceAccount" => "serviceaccounts",
                "Role" => "roles",
                "ClusterRole" => "clusterroles",
                "RoleBinding" => "rolebindings",
                "ClusterRoleBinding" => "clusterrolebindings",
                _ => null,
            };
            if (plural is null)
            {
                continue;
            }

            var result = kube.Create((string)o["apiVersion"]!, plural, o);
            Assert.True(result.IsSuccess, kind + ": " + result.Body.ToJsonString());
            kinds.Add(kind!);
        }

        return kinds;
    }

    private async Task<(IReadOnlyList<JsonObject> Objects, string ServiceAccount, IReadOnlyList<string> Watch)> RenderAsync(string source)
    {
        string yaml;
        IReadOnlyList<string> watch = [];
        if (source.StartsWith("kustomize", StringComparison.Ordinal))
        {
            yaml = await RunAsync("kubectl", "kustomize", RepoPaths.Repo("config", "default"));
        }
        else
        {
            List<string> args = ["template", "tinyimage", RepoPaths.Repo("charts", "tinyimage-operator"), "--namespace", OperatorNamespace];
            if (source.Contains("watchNamespaces", StringComparison.Ordinal))
            {
                args.AddRange(["--set", "watchNamespaces={demo}"]);
                watch = [Namespace];
            }

            yaml = await RunAsync("helm", [.. args]);
        }

        var objects = YamlJson.ParseAll(yaml).OfType<JsonObject>().ToList();
        var serviceAccount = objects.Where(o => (string?)o["kind"] == "ServiceAccount").Select(o => (string)o["metadata"]!["name"]!).Single();
        return (objects, serviceAccount, watch);
    }

    private async Task<string> RunAsync(string tool, params string[] args)
    {
        var path = RepoPaths.Tools("bin", tool);
        if (!File.Exists(path))
        {
            Assert.Skip($"{tool} not found at {path}: run scripts/install-tools.sh");
        }

        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["HOME"] = _dir;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, tool + " " + string.Join(' ', args) + ": " + await stderr);
        return await stdout;
    }

    private static void CreatePushSecret(OperatorHarness h)
    {
        var auth = Convert.ToBase64String("{\"auths\":{\"registry.local:5000\":{\"auth\":\"dTpw\"}}}"u8.ToArray());
        var result = h.Kube.Create("v1", "secrets", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["type"] = "kubernetes.io/dockerconfigjson",
            ["metadata"] = new JsonObject { ["name"] = "registry-push", ["namespace"] = Namespace },
            ["data"] = new JsonObject { [".dockerconfigjson"] = auth },
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }
}

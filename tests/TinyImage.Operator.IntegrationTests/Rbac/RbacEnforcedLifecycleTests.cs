using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using TinyImage.Operator.IntegrationTests.Controllers;
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
    private const string OperatorNamespace = RenderedRbac.OperatorNamespace;
    private readonly string _dir = Directory.CreateTempSubdirectory("rbac-enforced-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("kustomize config/default")]
    [InlineData("helm template")]
    [InlineData("helm template --set watchNamespaces={demo}")]
    public async Task The_Operator_Runs_Its_Whole_Lifecycle_With_Only_The_Shipped_Rbac_And_Is_Never_Refused(string source)
    {
        var (rendered, serviceAccount, watch) = await RenderedRbac.RenderAsync(source, _dir);
        await using var h = await StartAsync(new ApiServerEmulatorOptions { Https = true });
        var applied = RenderedRbac.Apply(h.Kube, rendered);
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
        var op = RenderedRbac.Start(h, kubeconfig, FastOptions with { LeaderElection = true, WatchNamespaces = watch });
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

    internal static void CreatePushSecret(OperatorHarness h)
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

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.StandIns;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// The pod stand-in runs one stored pod spec in a real podman container as a kubelet would: the tests read what the
/// workload itself saw (its output) and what the stand-in reports (the kubelet's status terms).
/// </summary>
public sealed class PodmanPodTests(PodmanPodFixture fixture) : IClassFixture<PodmanPodFixture>
{
    private const string Ns = "pods";
    private static readonly Uri ApiServer = new("https://127.0.0.1:6443/");
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);
    private readonly ConcurrentQueue<ServiceAccountTokenRequest> _tokenRequests = new();

    [Fact]
    public async Task A_Read_Only_Root_Refuses_Writes_Outside_Volumes_And_An_EmptyDir_At_Tmp_Accepts_Them()
    {
        fixture.Require();
        var writes = new JsonArray("uid", "write", "/tmp/scratch", "write", "/probe-file", "write", "/bin/probe-file", "cat", "/proc/self/mountinfo");
        var without = Pod("no-scratch", Container(fixture.NonRootImage, args: writes, readOnlyRoot: true), volumes: null);

        var (refused, refusedLogs) = await RunToEndAsync(without);

        Assert.Equal("Failed", refused.Phase);
        Assert.Equal(3, refused.LastTermination!.ExitCode);
        Assert.Contains("uid=65532", refusedLogs, StringComparison.Ordinal);
        Assert.DoesNotContain("wrote ", refusedLogs, StringComparison.Ordinal);
        Assert.Contains("/probe-file: Read-only file system", refusedLogs, StringComparison.Ordinal);
        Assert.Contains("/bin/probe-file: Read-only file system", refusedLogs, StringComparison.Ordinal);
        Assert.DoesNotContain("tmpfs-", string.Join(' ', RunArgumentsOf(without)), StringComparison.Ordinal);
        // Every writable mount is one runc gives any container under a kubelet too (/proc and runc's masked /proc paths,
        // the /dev tmpfs with shm, mqueue and pts, the root-owned cgroup tmpfs); none is on the image's own paths.
        var writable = WritableMountPoints(refusedLogs);
        Assert.NotEmpty(writable);
        Assert.All(writable, m => Assert.True(m is "/proc" or "/dev" or "/sys/fs/cgroup" || m.StartsWith("/proc/", StringComparison.Ordinal) || m.StartsWith("/dev/", StringComparison.Ordinal), m));

        var container = Container(fixture.NonRootImage, args: (JsonArray)writes.DeepClone(), readOnlyRoot: true);
        container["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "scratch", ["mountPath"] = "/tmp" });
        var with = Pod("scratch", container, volumes: new JsonArray(new JsonObject { ["name"] = "scratch", ["emptyDir"] = new JsonObject { ["sizeLimit"] = "16Mi" } }));

        var (accepted, acceptedLogs) = await RunToEndAsync(with);

        Assert.Contains("wrote /tmp/scratch", acceptedLogs, StringComparison.Ordinal);
        Assert.Contains("/probe-file: Read-only file system", acceptedLogs, StringComparison.Ordinal);
        Assert.Equal("Failed", accepted.Phase); // the write to / still fails: only the declared volume is writable
        Assert.Contains("/tmp", WritableMountPoints(acceptedLogs));
    }

    [Fact]
    public async Task A_Pod_That_Must_Run_As_Non_Root_Is_Refused_When_Its_Image_Runs_As_Root()
    {
        fixture.Require();
        var container = Container(fixture.RootImage, args: new JsonArray("uid"));
        container["securityContext"]!["runAsNonRoot"] = true;
        var pod = Pod("root-image", container);

        var (status, _) = await RunToEndAsync(pod);

        Assert.Equal("Pending", status.Phase);
        Assert.Equal("CreateContainerConfigError", status.Reason);
        Assert.Equal($"container has runAsNonRoot and image will run as root (pod: \"root-image_{Ns}(uid-root-image)\", container: main)", status.Message);

        var explicitRoot = Container(fixture.NonRootImage, args: new JsonArray("uid"));
        explicitRoot["securityContext"]!["runAsNonRoot"] = true;
        explicitRoot["securityContext"]!["runAsUser"] = 0;
        var (refused, _) = await RunToEndAsync(Pod("explicit-root", explicitRoot));
        Assert.Equal($"container's runAsUser breaks non-root policy (pod: \"explicit-root_{Ns}(uid-explicit-root)\", container: main)", refused.Message);

        var overridden = Container(fixture.RootImage, args: new JsonArray("uid"));
        overridden["securityContext"]!["runAsNonRoot"] = true;
        overridden["securityContext"]!["runAsUser"] = 65532;
        overridden["securityContext"]!["runAsGroup"] = 65532;
        var (ran, logs) = await RunToEndAsync(Pod("root-image-as-65532", overridden));
        Assert.Equal("Succeeded", ran.Phase);
        Assert.Contains("uid=65532 gid=65532", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Service_Account_Token_CA_And_Namespace_Are_Mounted_And_The_Api_Server_Address_Is_In_The_Environment()
    {
        fixture.Require();
        const string sa = "/var/run/secrets/kubernetes.io/serviceaccount/";
        var reads = new JsonArray("cat", sa + "token", "cat", sa + "ca.crt", "cat", sa + "namespace", "env", "KUBERNETES_SERVICE_HOST", "env", "KUBERNETES_SERVICE_PORT", "write", sa + "token");
        var pod = Pod("in-cluster", Container(fixture.NonRootImage, args: reads, readOnlyRoot: true));
        pod["spec"]!["serviceAccountName"] = "operator";

        var (status, logs) = await RunToEndAsync(pod);

        Assert.Contains(sa + "token=token-for-in-cluster", logs, StringComparison.Ordinal);
        Assert.Contains(sa + "ca.crt=-----BEGIN CERTIFICATE-----", logs, StringComparison.Ordinal);
        Assert.Contains(sa + "namespace=" + Ns, logs, StringComparison.Ordinal);
        Assert.Contains("KUBERNETES_SERVICE_HOST=127.0.0.1", logs, StringComparison.Ordinal);
        Assert.Contains("KUBERNETES_SERVICE_PORT=6443", logs, StringComparison.Ordinal);
        Assert.Contains(sa + "token: Read-only file system", logs, StringComparison.Ordinal);
        Assert.Equal(3, status.LastTermination!.ExitCode);
        var request = Assert.Single(_tokenRequests, r => r.PodName == "in-cluster");
        Assert.Equal(new ServiceAccountTokenRequest(Ns, "in-cluster", "uid-in-cluster", "operator", null, 3607), request);

        var noToken = Pod("no-token", Container(fixture.NonRootImage, args: new JsonArray("cat", sa + "token")));
        noToken["spec"]!["automountServiceAccountToken"] = false;
        var (_, noTokenLogs) = await RunToEndAsync(noToken);
        Assert.Contains(sa + "token: No such file or directory", noTokenLogs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_Args_And_Env_Reach_The_Container_As_The_Kubelet_Builds_Them()
    {
        fixture.Require();
        var container = Container(fixture.RootImage, args: new JsonArray("second", "$(GREETING)", "$$(GREETING)", "env", "POD_NAMESPACE", "env", "POD_NAME", "env", "PASSWORD", "env", "MODE", "env", "GREETING"));
        container["command"] = new JsonArray("/bin/probe", "first");
        container["env"] = new JsonArray(
            new JsonObject { ["name"] = "GREETING", ["value"] = "hello $(POD_NAMESPACE)" },
            new JsonObject { ["name"] = "POD_NAMESPACE", ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = "metadata.namespace" } } },
            new JsonObject { ["name"] = "POD_NAME", ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = "metadata.name" } } },
            new JsonObject { ["name"] = "PASSWORD", ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = "creds", ["key"] = "password" } } },
            new JsonObject { ["name"] = "MODE", ["valueFrom"] = new JsonObject { ["configMapKeyRef"] = new JsonObject { ["name"] = "settings", ["key"] = "mode" } } });
        var pod = Pod("env-args", container);

        var (status, logs) = await RunToEndAsync(pod,
            new JsonObject { ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "creds", ["namespace"] = Ns }, ["data"] = new JsonObject { ["password"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("s3cret")) } },
            new JsonObject { ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "settings", ["namespace"] = Ns }, ["data"] = new JsonObject { ["mode"] = "strict" } });

        Assert.Equal("Succeeded", status.Phase);
        var lines = logs.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // command replaces the image's entrypoint; $(GREETING) is not yet defined when GREETING's own value is expanded,
        // because POD_NAMESPACE comes after it; $$ escapes.
        Assert.Equal(
            ["arg first", "arg second", "arg hello $(POD_NAMESPACE)", "arg $(GREETING)", "POD_NAMESPACE=" + Ns, "POD_NAME=env-args", "PASSWORD=s3cret", "MODE=strict", "GREETING=hello $(POD_NAMESPACE)"],
            lines);

        var missing = Container(fixture.RootImage, args: new JsonArray("env", "X"));
        missing["env"] = new JsonArray(new JsonObject { ["name"] = "X", ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = "absent", ["key"] = "k" } } });
        var (refused, _) = await RunToEndAsync(Pod("missing-secret", missing));
        Assert.Equal("CreateContainerConfigError", refused.Reason);
        Assert.Equal("secret \"absent\" not found", refused.Message);
    }

    [Fact]
    public async Task Readiness_And_Liveness_Probes_Are_Polled_And_A_Failing_Liveness_Probe_Restarts_The_Container()
    {
        fixture.Require();
        var port = FreePort();
        var container = Container(fixture.NonRootImage, args: new JsonArray("serve", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), readOnlyRoot: true);
        container["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = port });
        container["readinessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/ready", ["port"] = "http" }, ["periodSeconds"] = 1 };
        container["livenessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = port }, ["periodSeconds"] = 1 };
        await using (var healthy = PodmanPod.Start(Pod("probed", container, restartPolicy: "Always"), Options("probed")))
        {
            Assert.True(await KubeHttp.EventuallyAsync(() => healthy.Status is { Ready: true, ReadinessProbes: >= 2, LivenessProbes: >= 2 }, Within), Describe(healthy));
            Assert.Equal("running", healthy.Status.State);
            Assert.Equal(0, healthy.Status.RestartCount);
            Assert.Equal("True", (string?)healthy.PodStatusJson()["conditions"]![3]!["status"]);
        }

        var dying = (JsonObject)container.DeepClone();
        dying["livenessProbe"]!["httpGet"]!["path"] = "/gone";
        dying["livenessProbe"]!["failureThreshold"] = 2;
        dying["readinessProbe"]!["httpGet"]!["path"] = "/gone";
        await using var restarted = PodmanPod.Start(Pod("probed-dying", dying, restartPolicy: "Always"), Options("probed-dying"));
        Assert.True(await KubeHttp.EventuallyAsync(() => restarted.Status.RestartCount >= 1, Within), Describe(restarted));
        Assert.False(restarted.Status.Ready);
        Assert.Equal("Liveness probe failed: HTTP probe failed with statuscode: 404", restarted.Status.LastTermination!.Message);
        Assert.Contains("serving on", restarted.Status.LastTermination.Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Memory_Limit_Is_Enforced_Or_The_Peak_Is_Measured_Against_It()
    {
        fixture.Require();
        var within = Container(fixture.NonRootImage, args: new JsonArray("alloc", "8", "sleep", "3"));
        within["resources"] = new JsonObject { ["limits"] = new JsonObject { ["memory"] = "48Mi" } };
        var (fits, _) = await RunToEndAsync(Pod("fits", within));
        Assert.Equal("Succeeded", fits.Phase);
        Assert.Equal(48L * 1024 * 1024, fits.MemoryLimitBytes);
        Assert.InRange(fits.MemoryPeakBytes ?? 0, 8L * 1024 * 1024, 48L * 1024 * 1024);

        var over = Container(fixture.NonRootImage, args: new JsonArray("alloc", "96", "sleep", "3"));
        over["resources"] = new JsonObject { ["limits"] = new JsonObject { ["memory"] = "48Mi" } };
        var (killed, _) = await RunToEndAsync(Pod("over", over));
        if (fits.MemoryLimitEnforced)
        {
            Assert.True(killed.LastTermination!.Reason == "OOMKilled", killed.ToString());
            Assert.Equal(137, killed.LastTermination.ExitCode);
        }
        else
        {
            TestContext.Current.SendDiagnosticMessage("podman cannot enforce --memory here: the peak is compared with the limit instead");
            Assert.True(killed.MemoryPeakBytes > killed.MemoryLimitBytes, "the peak exceeds the limit");
        }
    }

    [Fact]
    public async Task An_EmptyDir_Filled_Beyond_Its_Size_Limit_Evicts_The_Pod()
    {
        fixture.Require();
        var container = Container(fixture.NonRootImage, args: new JsonArray("fill", "/scratch/big", "4", "sleep", "60"), readOnlyRoot: true);
        container["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "scratch", ["mountPath"] = "/scratch" });
        var pod = Pod("evicted", container, volumes: new JsonArray(new JsonObject { ["name"] = "scratch", ["emptyDir"] = new JsonObject { ["sizeLimit"] = "1Mi" } }));

        var (status, _) = await RunToEndAsync(pod);

        Assert.Equal("Failed", status.Phase);
        Assert.Equal("Evicted", status.Reason);
        Assert.Equal("Usage of EmptyDir volume \"scratch\" exceeds the limit \"1048576\". ", status.Message);
    }

    [Fact]
    public async Task The_Operator_Image_Built_By_The_Script_Runs_Read_Only_As_65532_Under_The_Charts_Security_Context()
    {
        var registry = fixture.Require();
        var image = await PushOperatorImageAsync(registry);
        var container = Container(image, args: new JsonArray("--version"), readOnlyRoot: true);
        container["securityContext"]!["runAsNonRoot"] = true;
        container.Remove("command");

        var (status, logs) = await RunToEndAsync(Pod("operator-version", container));

        Assert.Equal("Succeeded", status.Phase);
        Assert.Equal("tinyimage-operator 0.1.0\n", logs);
    }

    [Fact]
    public async Task The_Charts_Operator_Pod_Runs_Locked_Down_With_Its_Service_Account_Token_And_Only_Its_Declared_Volumes()
    {
        var registry = fixture.Require();
        var image = await PushOperatorImageAsync(registry);
        var helm = TinyImage.Testing.RepoPaths.Repo(".tools", "bin", "helm");
        if (!File.Exists(helm))
        {
            Assert.Skip("helm is not installed (scripts/install-tools.sh installs it)");
        }

        var metricsPort = FreePort();
        var rendered = await Tool.RunAsync(helm, ["template", "tio", TinyImage.Testing.RepoPaths.Repo("charts", "tinyimage-operator"), "--namespace", Ns,
            "--set", "image.repository=" + image[..image.IndexOf('@', StringComparison.Ordinal)], "--set", "image.tag=test",
            "--set", "imagePullSecrets[0].name=pull",
            "--set", "metrics.port=" + metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--show-only", "templates/deployment.yaml"],
            TestContext.Current.CancellationToken);
        Assert.True(rendered.Succeeded, rendered.Describe());
        var template = YamlJson.Parse(rendered.Stdout)!["spec"]!["template"]!.AsObject();
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "tio-tinyimage-operator-5d4f8-x2x7k", ["namespace"] = Ns, ["uid"] = "uid-operator" },
            ["spec"] = template["spec"]!.DeepClone(),
        };
        var options = Options("chart") with { ApiServer = new Uri("https://127.0.0.1:" + FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) + "/") };

        await using var operatorPod = PodmanPod.Start(pod, options);
        Assert.True(await KubeHttp.EventuallyAsync(() => operatorPod.Status.State == "running" || operatorPod.Status.Reason is not ("ContainerCreating" or null), Within), Describe(operatorPod));

        Assert.True(operatorPod.Status.State == "running", Describe(operatorPod));
        var request = Assert.Single(_tokenRequests);
        Assert.Equal((Ns, "tio-tinyimage-operator"), (request.Namespace, request.ServiceAccountName));
        var run = string.Join(' ', operatorPod.RunArguments);
        Assert.Contains("--user 65532:65532", run, StringComparison.Ordinal);
        Assert.Contains("--read-only --read-only-tmpfs=false", run, StringComparison.Ordinal);
        Assert.Contains("--cap-drop ALL", run, StringComparison.Ordinal);
        Assert.Contains("--security-opt no-new-privileges", run, StringComparison.Ordinal);
        var limit = KubeQuantity.Bytes((string?)template["spec"]!["containers"]![0]!["resources"]!["limits"]!["memory"])!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("--memory " + limit + " --memory-swap " + limit, run, StringComparison.Ordinal); // the chart's limit, whatever its sizing
        Assert.Contains("--env POD_NAMESPACE=" + Ns, run, StringComparison.Ordinal);
        var declared = (template["spec"]!["containers"]![0]!["volumeMounts"] as JsonArray ?? []).Select(m => (string?)m!["mountPath"]).Append(PodVolumes.ServiceAccountMountPath);
        var mounted = operatorPod.RunArguments.Where(a => a.StartsWith("type=", StringComparison.Ordinal)).Select(a => a.Split(",destination=")[1].Split(',')[0]);
        Assert.Equal(declared.Order(StringComparer.Ordinal), mounted.Order(StringComparer.Ordinal));
        TestContext.Current.SendDiagnosticMessage("operator pod: " + Describe(operatorPod) + "\nlogs:\n" + await operatorPod.LogsAsync(TestContext.Current.CancellationToken));
    }

    private async Task<string> PushOperatorImageAsync(LocalRegistry registry)
    {
        var layout = TinyImage.Testing.RepoPaths.Repo("artifacts", "operator-image", "oci");
        if (!Directory.Exists(layout))
        {
            Assert.Skip("the operator image is not built: run scripts/build-operator-image.sh");
        }

        var digestFile = Path.Combine(fixture.WorkDirectory, "operator-digest-" + Guid.NewGuid().ToString("N"));
        var push = await Tool.RunAsync(Tool.Find("skopeo")!, ["copy", "--quiet", "--dest-authfile", fixture.AuthFile, "--dest-cert-dir", registry.CertDirectory,
            "--digestfile", digestFile, "oci:" + layout + ":latest", "docker://" + registry.Host + "/tinyimage/operator:test"],
            TestContext.Current.CancellationToken);
        Assert.True(push.Succeeded, push.Describe());
        return registry.Host + "/tinyimage/operator@" + File.ReadAllText(digestFile).Trim();
    }

    private static JsonObject Container(string image, JsonArray? args = null, bool readOnlyRoot = false) => new()
    {
        ["name"] = "main",
        ["image"] = image,
        ["args"] = args ?? [],
        ["securityContext"] = new JsonObject
        {
            ["readOnlyRootFilesystem"] = readOnlyRoot,
            ["allowPrivilegeEscalation"] = false,
            ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") },
            ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
        },
    };

    private static JsonObject Pod(string name, JsonObject container, JsonArray? volumes = null, string restartPolicy = "Never") => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Ns, ["uid"] = "uid-" + name },
        ["spec"] = new JsonObject
        {
            ["restartPolicy"] = restartPolicy,
            ["terminationGracePeriodSeconds"] = 1, // the probe ignores SIGTERM (pid 1 without a handler): SIGKILL after 1 s
            ["imagePullSecrets"] = new JsonArray(new JsonObject { ["name"] = "pull" }),
            ["containers"] = new JsonArray(container),
            ["volumes"] = volumes ?? [],
        },
    };

    private PodmanPodOptions Options(string name, params JsonObject[] objects)
    {
        var registry = fixture.Registry!;
        var pull = new JsonObject
        {
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "pull", ["namespace"] = Ns },
            ["type"] = "kubernetes.io/dockerconfigjson",
            ["data"] = new JsonObject { [".dockerconfigjson"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(registry.DockerConfigJson())) },
        };
        var ca = File.ReadAllText(registry.CaFile);
        return new PodmanPodOptions(Path.Combine(fixture.WorkDirectory, "pods-" + name), ApiServer, PodmanPodFixture.Objects([pull, .. objects]))
        {
            RegistryCertDirectory = registry.CertDirectory,
            InitialBackOff = TimeSpan.FromMilliseconds(200),
            ClusterCaCertificatePem = ca,
            ServiceAccountTokenIssuer = (request, _) =>
            {
                _tokenRequests.Enqueue(request);
                return Task.FromResult("token-for-" + request.PodName);
            },
        };
    }

    private async Task<(PodmanPodStatus Status, string Logs)> RunToEndAsync(JsonObject pod, params JsonObject[] objects)
    {
        var name = (string)pod["metadata"]!["name"]!;
        await using var running = PodmanPod.Start(pod, Options(name, objects));
        var ended = await KubeHttp.EventuallyAsync(
            () => running.Status is { Phase: "Succeeded" or "Failed" } or { Reason: "CreateContainerConfigError" or "ErrImagePull" or "RunContainerError" or "StandInError" }, Within);
        Assert.True(ended, Describe(running));
        _runArguments[name] = running.RunArguments;
        return (running.Status, running.Status.LastTermination?.Logs ?? "");
    }

    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _runArguments = new(StringComparer.Ordinal);

    private IReadOnlyList<string> RunArgumentsOf(JsonObject pod) => _runArguments[(string)pod["metadata"]!["name"]!];

    private static string Describe(PodmanPod pod) => pod.Key + ": " + pod.Status;

    /// <summary>The mount points /proc/self/mountinfo (printed by the probe) lists with the <c>rw</c> mount option.</summary>
    private static List<string> WritableMountPoints(string logs) =>
        [.. logs.Split('\n')
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 6 && f[5].Split(',').Contains("rw"))
            .Select(f => f[4])];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

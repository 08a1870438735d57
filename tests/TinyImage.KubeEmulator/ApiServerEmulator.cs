using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TinyImage.KubeEmulator;

/// <summary>
/// An in-process Kubernetes API server for tests: plain HTTP on loopback, JSON storage, watch with
/// history and bookmarks, status subresources, finalizers, owner-reference GC, CRDs, discovery good
/// enough for kubectl, fault injection, a request log, and stand-ins for the Job and Deployment controllers.
/// <code>
/// await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions(), ct);
/// var http = kube.CreateHttpClient();                   // BaseAddress = http://127.0.0.1:port/
/// kube.WriteKubeconfig(path);                           // for kubectl / KubernetesClient
/// kube.Faults.FailNext(2, 429, new RequestMatch("update", "configmaps"));
/// kube.Jobs.Runner = JobRunners.CompleteWith(_ => "sha256:...");
/// </code>
/// </summary>
public sealed class ApiServerEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private readonly GarbageCollector _gc;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<bool> _gcSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _errorsGate = new();
    private readonly List<Exception> _errors = [];
    private readonly ApiServerEmulatorOptions _options;
    private readonly JobController _jobController;
    private readonly TtlAfterFinishedController _ttl;
    private readonly Auth.AccessControl _access;
    private Task _dispatcher = Task.CompletedTask;
    private Task _collector = Task.CompletedTask;
    private Task _workloads = Task.CompletedTask;
    private int _port;

    private ApiServerEmulator(ApiServerEmulatorOptions options)
    {
        _options = options;
        Resources = new ResourceRegistry();
        _store = new ObjectStore(Resources, options.TimeProvider, options.WatchHistoryCapacity, options.RandomSeed) { RequireNamespaces = options.RequireNamespaces };
        _gc = new GarbageCollector(_store, Resources);
        Requests = new RequestLog();
        Faults = new FaultInjector(_store, options.RandomSeed);
        PodLogs = new PodLogs();
        _jobController = new JobController(_store, Resources, options.TimeProvider, AddError);
        Jobs = new JobSimulator(_store, Resources, PodLogs, _jobController, AddError, _stopping.Token);
        _ttl = new TtlAfterFinishedController(_store, Resources, options.TimeProvider, AddError);
        Deployments = new DeploymentSimulator(_store, Resources, options.TimeProvider, AddError);
        foreach (var ns in options.InitialNamespaces)
        {
            CreateNamespace(ns);
        }

        _access = new Auth.AccessControl(_store, Resources, options.TimeProvider);
        foreach (var bootstrap in Auth.BootstrapPolicy.ClusterRoles())
        {
            _store.Create(Resource("rbac.authorization.k8s.io/v1", "clusterroles"), null, bootstrap);
        }

        foreach (var bootstrap in Auth.BootstrapPolicy.ClusterRoleBindings())
        {
            _store.Create(Resource("rbac.authorization.k8s.io/v1", "clusterrolebindings"), null, bootstrap);
        }

        Certificates = options.Https ? Auth.ServingCertificates.Create(options.TimeProvider, options.CertificateAuthority) : null;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseKestrel(k =>
        {
            // Go's net/http, the real server's, sends no Server header.
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (Certificates is { } certificates)
                {
                    listen.UseHttps(certificates.Server);
                }
            });
        });
        _app = builder.Build();
        var handler = new ApiHandler(_store, Resources, Faults, Requests, PodLogs, options, () => "127.0.0.1:" + _port, AddError) { Access = _access };
        EmulatorEndpoints.Map(_app, Requests, Jobs);
        _app.Run(handler.HandleAsync);
    }

    /// <summary>The served resources: register a custom one with <see cref="ResourceRegistry.Register"/>.</summary>
    public ResourceRegistry Resources { get; }

    /// <summary>Every request answered, for counting writes and reads.</summary>
    public RequestLog Requests { get; }

    /// <summary>Fault injection: failing requests, latency, closed watches, expired history.</summary>
    public FaultInjector Faults { get; }

    /// <summary>Job controller and kubelet stand-in.</summary>
    public JobSimulator Jobs { get; }

    /// <summary>The deployment and ReplicaSet controllers, the scheduler and the kubelet seam.</summary>
    public DeploymentSimulator Deployments { get; }

    /// <summary>
    /// A stand-in for a pod admission plugin the emulator does not carry (ServiceAccount, ResourceQuota, a webhook): a pod
    /// create for which it returns a reason is refused with 403 <c>pods "name" is forbidden: reason</c>, after Pod Security,
    /// as a validating admission plugin refuses it (so the Job controller's FailedCreate Event carries it). Null: none.
    /// </summary>
    public Func<JsonObject, string?>? RefusePodCreates
    {
        get => _store.PodAdmissionStandIn;
        set => _store.PodAdmissionStandIn = value;
    }

    /// <summary>Fake container logs served at <c>pods/{name}/log</c>.</summary>
    public PodLogs PodLogs { get; }

    /// <summary>The port Kestrel listens on (chosen by the OS when the options said 0).</summary>
    public int Port => _port;

    /// <summary><c>http://127.0.0.1:{Port}/</c>, or <c>https://</c> when <see cref="ApiServerEmulatorOptions.Https"/> is on.</summary>
    public Uri BaseAddress => new($"{(Certificates is null ? "http" : "https")}://127.0.0.1:{_port}/");

    /// <summary>The CA and serving certificate when serving HTTPS, else null.</summary>
    public Auth.ServingCertificates? Certificates { get; }

    /// <summary>The CA in PEM when serving HTTPS (the in-cluster <c>ca.crt</c>), else null.</summary>
    public string? CertificateAuthorityPem => Certificates?.AuthorityPem;

    /// <summary>The current (latest) resourceVersion.</summary>
    public long ResourceVersion => _store.CurrentResourceVersion;

    /// <summary>How many objects the garbage collector has deleted.</summary>
    public int GarbageCollected => _gc.Deleted;

    /// <summary>Exceptions thrown by Job runners and background controllers (a test can assert none happened).</summary>
    public IReadOnlyList<Exception> BackgroundErrors
    {
        get
        {
            lock (_errorsGate)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Starts an emulator on loopback.</summary>
    public static async Task<ApiServerEmulator> StartAsync(ApiServerEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new ApiServerEmulator(options ?? new ApiServerEmulatorOptions());
        await emulator._app.StartAsync(cancellationToken);
        var address = emulator._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator._port = new Uri(address).Port;
        emulator._dispatcher = Task.Run(() => emulator.DispatchAsync(emulator._stopping.Token), CancellationToken.None);
        emulator._collector = Task.Run(() => emulator.CollectAsync(emulator._stopping.Token), CancellationToken.None);
        if (emulator._options.WorkloadControllers)
        {
            emulator._workloads = Task.Run(() => emulator.Deployments.RunAsync(emulator._stopping.Token), CancellationToken.None);
        }
        return emulator;
    }

    /// <summary>An HttpClient whose BaseAddress is the emulator (trusting its CA over HTTPS), sending <paramref name="token"/> when given.</summary>
    public HttpClient CreateHttpClient(string? token = null)
    {
        HttpClient http;
        if (Certificates is { } certificates)
        {
            var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificates.Trusts(certificate as System.Security.Cryptography.X509Certificates.X509Certificate2);
            http = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        }
        else
        {
            http = new HttpClient { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        }

        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    /// <summary>A kubeconfig (YAML) with one context, <c>kube-emulator</c>, pointing at this emulator (with its CA over HTTPS), as admin or with <paramref name="token"/>.</summary>
    public string KubeconfigYaml(string defaultNamespace = "default", string? token = null) =>
        Kubeconfig.Yaml(BaseAddress, defaultNamespace, token ?? Auth.AccessControl.AdminToken, CertificateAuthorityPem);

    /// <summary>
    /// Issues a token for an existing ServiceAccount, as <c>kubectl create token</c> gets one (default one hour,
    /// on the emulator's clock). Requests with it are authorized by RBAC.
    /// </summary>
    public string CreateToken(string ns, string serviceAccount, TimeSpan? expiration = null) =>
        _access.Tokens.Issue(ns, serviceAccount, (long)(expiration ?? TimeSpan.FromHours(1)).TotalSeconds, null)?.Token
            ?? throw new InvalidOperationException($"no ServiceAccount {ns}/{serviceAccount}");

    /// <summary>
    /// Writes what a pod with <paramref name="serviceAccount"/> finds at /var/run/secrets/kubernetes.io/serviceaccount:
    /// <c>token</c>, <c>ca.crt</c> (HTTPS only) and <c>namespace</c>. Returns the KUBERNETES_SERVICE_HOST and _PORT to set beside it.
    /// </summary>
    public (string Host, string Port) WriteInClusterDirectory(string directory, string ns, string serviceAccount)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "token"), CreateToken(ns, serviceAccount));
        File.WriteAllText(Path.Combine(directory, "namespace"), ns);
        if (CertificateAuthorityPem is { } ca)
        {
            File.WriteAllText(Path.Combine(directory, "ca.crt"), ca);
        }

        return ("127.0.0.1", _port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Writes <see cref="KubeconfigYaml"/> to <paramref name="path"/> and returns the path.</summary>
    public string WriteKubeconfig(string path, string defaultNamespace = "default", string? token = null)
    {
        File.WriteAllText(path, KubeconfigYaml(defaultNamespace, token));
        return path;
    }

    /// <summary>The served type for an apiVersion and plural; throws when none is registered.</summary>
    public ResourceType Resource(string apiVersion, string plural)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        return Resources.Find(group, version, plural) ?? throw new InvalidOperationException($"no resource {plural} in {apiVersion}");
    }

    /// <summary>Creates a namespace (idempotent).</summary>
    public void CreateNamespace(string name) =>
        _store.Create(Resource("v1", "namespaces"), null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });

    /// <summary>Creates an object directly in storage (namespace taken from the object).</summary>
    public ApiResult Create(string apiVersion, string plural, JsonObject obj) =>
        _store.Create(Resource(apiVersion, plural), (string?)obj["metadata"]?["namespace"], obj);

    /// <summary>Reads one object.</summary>
    public ApiResult Get(string apiVersion, string plural, string? ns, string name) => _store.Get(Resource(apiVersion, plural), ns, name);

    /// <summary>Reads all objects of a resource, optionally in one namespace.</summary>
    public IReadOnlyList<JsonObject> List(string apiVersion, string plural, string? ns = null)
    {
        var r = _store.List(Resource(apiVersion, plural), ns, LabelSelector.Everything, FieldSelector.Everything, null, null);
        return [.. r.Body["items"]!.AsArray().OfType<JsonObject>()];
    }

    /// <summary>Edits an object as an in-cluster controller would (a copy is edited; an unchanged copy writes nothing).</summary>
    public ApiResult Mutate(string apiVersion, string plural, string? ns, string name, Action<JsonObject> mutate) =>
        _store.Mutate(Resource(apiVersion, plural), ns, name, mutate, statusOnly: false);

    /// <summary>Edits only an object's status, as through the <c>/status</c> subresource.</summary>
    public ApiResult MutateStatus(string apiVersion, string plural, string? ns, string name, Action<JsonObject> mutate) =>
        _store.Mutate(Resource(apiVersion, plural), ns, name, mutate, statusOnly: true);

    /// <summary>Deletes an object as a client would.</summary>
    public ApiResult Delete(string apiVersion, string plural, string? ns, string name, DeleteOptions? options = null) =>
        _store.Delete(Resource(apiVersion, plural), ns, name, options ?? new DeleteOptions());

    /// <summary>Stops the server: open watches end cleanly, background controllers stop.</summary>
    public async ValueTask DisposeAsync()
    {
        Faults.CloseAllWatches();
        await _stopping.CancelAsync();
        _jobController.Dispose();
        _ttl.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try
        {
            await Task.WhenAll(_dispatcher, _collector, _workloads);
        }
        catch (OperationCanceledException)
        {
            // Both loops end by cancellation when the emulator stops.
        }

        _stopping.Dispose();
        Certificates?.Dispose();
    }

    private async Task DispatchAsync(CancellationToken ct)
    {
        await foreach (var e in _store.Changes.ReadAllAsync(ct))
        {
            try
            {
                Jobs.OnChange(e);
                _ttl.OnChange(e);
                if (_options.WorkloadControllers)
                {
                    Deployments.OnChange(e, ct);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                AddError(ex);
            }

            if (NeedsCollection(e))
            {
                _gcSignal.Writer.TryWrite(true);
            }
        }
    }

    private async Task CollectAsync(CancellationToken ct)
    {
        await foreach (var _ in _gcSignal.Reader.ReadAllAsync(ct))
        {
            await Task.Delay(_options.GarbageCollectionDelay, _options.TimeProvider, ct);
            try
            {
                _gc.Sweep();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                AddError(ex);
            }
        }
    }

    /// <summary>
    /// Whether a change can give the garbage collector work: a deletion (dependents may be orphaned), an object being
    /// deleted (finalizers to run, dependents to delete), or an object that references an owner that is not stored. A
    /// change of an object whose owners are all present cannot, so it schedules no sweep (a sweep reads every object).
    /// </summary>
    internal bool NeedsCollection(StoredEvent e) =>
        e.Type == StoredEvent.Deleted
        || e.Object["metadata"]?["deletionTimestamp"] is not null
        || !_store.OwnersPresent(e.Object);

    private void AddError(Exception e)
    {
        lock (_errorsGate)
        {
            _errors.Add(e);
        }
    }
}

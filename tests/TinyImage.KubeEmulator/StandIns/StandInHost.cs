using System.Globalization;
using System.Text;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Everything real around the emulator, for tests and the demo: a docker-registry with TLS and htpasswd, the Kaniko
/// stand-in as the Job runner, and the podman kubelet for Deployments (with the pods of chosen namespaces, such as the
/// operator's own, run exactly as stored by <see cref="PodmanPodKubelet"/>). Writes <c>stand-ins.env</c> (registry address,
/// credentials, CA files) and one <c>services/NAMESPACE_NAME.url</c> per Service for scripts.
/// </summary>
public sealed class StandInHost : IAsyncDisposable
{
    private StandInHost(LocalRegistry registry, KanikoJobRunner runner, PodmanKubelet kubelet, PodmanPodKubelet? podSpecKubelet)
    {
        Registry = registry;
        Runner = runner;
        Kubelet = kubelet;
        PodSpecKubelet = podSpecKubelet;
    }

    /// <summary>The registry.</summary>
    public LocalRegistry Registry { get; }

    /// <summary>The Job runner (its stand-in records builds and failures).</summary>
    public KanikoJobRunner Runner { get; }

    /// <summary>The kubelet stand-in of the workloads.</summary>
    public PodmanKubelet Kubelet { get; }

    /// <summary>The kubelet of the pods in <see cref="StandInHostOptions.PodSpecNamespaces"/> (run exactly as stored), or null when there are none.</summary>
    public PodmanPodKubelet? PodSpecKubelet { get; }

    /// <summary>Starts registry, Kaniko stand-in and kubelet for <paramref name="emulator"/>.</summary>
    public static async Task<StandInHost> StartAsync(ApiServerEmulator emulator, StandInHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(options);
        var dir = options.Directory ?? throw new ArgumentException("--stand-ins DIR is required");
        var binaries = options.PrebuiltBinaries ?? throw new ArgumentException("--prebuilt-binaries DIR is required with --stand-ins");
        if (LocalRegistry.MissingPrerequisite() is { } missing)
        {
            throw new InvalidOperationException(missing);
        }

        if (await Podman.MissingPrerequisiteAsync(Path.Combine(dir, "podman-check"), cancellationToken) is { } noPodman)
        {
            throw new InvalidOperationException(noPodman);
        }

        Directory.CreateDirectory(Path.Combine(dir, "services"));
        var registry = await LocalRegistry.StartAsync(Path.Combine(dir, "registry"), cancellationToken);
        var standIn = new KanikoStandIn(
            (apiVersion, plural, ns, name) => emulator.Get(apiVersion, plural, ns, name) is { IsSuccess: true } r ? r.Body : null,
            new KanikoStandInOptions(registry.Host, registry.CertDirectory, new PrebuiltBinaries(binaries, options.Prebuilt),
                Directory.CreateDirectory(Path.Combine(dir, "kaniko")).FullName));
        var runner = new KanikoJobRunner(standIn);
        runner.BuildFailed += (job, message) => Console.WriteLine($"kaniko stand-in: job {job} failed: {message}");
        emulator.Jobs.Runner = runner;
        var kubelet = PodmanKubelet.Start(emulator, new PodmanKubeletOptions(Path.Combine(dir, "kubelet"), registry.CertDirectory)
        {
            FirstServicePort = options.ServicePort,
            ContainerTimeoutSeconds = 0,
        });
        var podSpecKubelet = options.PodSpecNamespaces.Count == 0
            ? null
            : PodmanPodKubelet.Start(emulator, kubelet, options.PodSpecNamespaces, Path.Combine(dir, "pods"), registry.CertDirectory);
        kubelet.ServiceStarted += (ns, name, url) =>
        {
            File.WriteAllText(Path.Combine(dir, "services", ns + "_" + name + ".url"), url + "\n");
            Console.WriteLine($"service {ns}/{name}: {url}");
        };
        var auth = Path.Combine(dir, "dockerconfig.json");
        await File.WriteAllTextAsync(auth, registry.DockerConfigJson(), cancellationToken);
        var env = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"REGISTRY_HOST={registry.Host}\n")
            .Append(CultureInfo.InvariantCulture, $"REGISTRY_USERNAME={registry.Username}\n")
            .Append(CultureInfo.InvariantCulture, $"REGISTRY_PASSWORD={registry.Password}\n")
            .Append(CultureInfo.InvariantCulture, $"REGISTRY_CA_FILE={registry.CaFile}\n")
            .Append(CultureInfo.InvariantCulture, $"REGISTRY_CA_BUNDLE={registry.CaBundleFile}\n")
            .Append(CultureInfo.InvariantCulture, $"REGISTRY_DOCKER_CONFIG={auth}\n")
            .Append(CultureInfo.InvariantCulture, $"KUBELET_RUNTIME=\"{PodmanKubelet.RuntimeDescription}\"\n");
        var envFile = Path.Combine(dir, "stand-ins.env");
        await File.WriteAllTextAsync(envFile + ".tmp", env.ToString(), cancellationToken);
        File.Move(envFile + ".tmp", envFile, overwrite: true);
        Console.WriteLine($"stand-ins: registry https://{registry.Host} (TLS, htpasswd), Kaniko stand-in, kubelet: {PodmanKubelet.RuntimeDescription}");
        return new StandInHost(registry, runner, kubelet, podSpecKubelet);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (PodSpecKubelet is { } pods)
        {
            await pods.DisposeAsync();
        }

        await Kubelet.DisposeAsync();
        await Registry.DisposeAsync();
    }
}

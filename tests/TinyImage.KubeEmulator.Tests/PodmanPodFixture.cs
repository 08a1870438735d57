using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.StandIns;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// What the pod stand-in's tests share: the real registry (TLS with its own CA, htpasswd), and two images of a small
/// static program compiled here from tests/data/pod-probe/probe.c: <c>probe:nonroot</c> (USER 65532) and
/// <c>probe:root</c> (no USER: uid 0), pushed with skopeo. Tests skip, saying why, where podman, the registry,
/// skopeo or a static C toolchain is missing.
/// </summary>
public sealed class PodmanPodFixture : IAsyncLifetime
{
    /// <summary>The fixture's work directory.</summary>
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("tinyimage-pods-").FullName;

    /// <summary>Why the tests cannot run here, or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>The registry.</summary>
    public LocalRegistry? Registry { get; private set; }

    /// <summary>The probe image running as 65532, by digest.</summary>
    public string NonRootImage { get; private set; } = "";

    /// <summary>The probe image without a USER (root), by digest.</summary>
    public string RootImage { get; private set; } = "";

    /// <summary>A Docker config file with the registry's credentials.</summary>
    public string AuthFile => Path.Combine(WorkDirectory, "auth.json");

    /// <summary>The registry and images, or a skip with the reason.</summary>
    public LocalRegistry Require()
    {
        if (SkipReason is not null)
        {
            Assert.Skip(SkipReason);
        }

        return Registry!;
    }

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        SkipReason = LocalRegistry.MissingPrerequisite()
            ?? (Skopeo.IsInstalled ? null : "skopeo is not installed (scripts/install-tools.sh installs it)")
            ?? (Tool.Find("cc") is null ? "no C compiler (cc) to build the probe workload" : null)
            ?? await Podman.MissingPrerequisiteAsync(Path.Combine(WorkDirectory, "podman-check"), ct);
        if (SkipReason is not null)
        {
            return;
        }

        var binary = Path.Combine(WorkDirectory, "probe");
        var cc = await Tool.RunAsync(Tool.Find("cc")!, ["-static", "-Os", "-o", binary, RepoPaths.Repo("tests", "data", "pod-probe", "probe.c")], ct);
        if (!cc.Succeeded)
        {
            SkipReason = "cannot build a static probe binary: " + cc.Describe();
            return;
        }

        Registry = await LocalRegistry.StartAsync(Path.Combine(WorkDirectory, "registry"), ct);
        await File.WriteAllTextAsync(AuthFile, Registry.DockerConfigJson(), ct);
        var bytes = await File.ReadAllBytesAsync(binary, ct);
        NonRootImage = await PushAsync(bytes, "65532", "nonroot", ct);
        RootImage = await PushAsync(bytes, null, "root", ct);
    }

    /// <summary>Reads the objects a test declares: (apiVersion, plural, namespace, name) to the object.</summary>
    public static Func<string, string, string, string, JsonObject?> Objects(params JsonObject[] objects) =>
        (_, plural, ns, name) => objects.FirstOrDefault(o =>
            (string?)o["kind"] == (plural == "secrets" ? "Secret" : plural == "configmaps" ? "ConfigMap" : plural == "serviceaccounts" ? "ServiceAccount" : "?")
            && (string?)o["metadata"]?["namespace"] == ns && (string?)o["metadata"]?["name"] == name);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // podman's storage may hold files we cannot remove; the temp directory is cleaned by the system
        }
    }

    private async Task<string> PushAsync(byte[] binary, string? user, string tag, CancellationToken ct)
    {
        var stage = new FinalStageImage("probe", "/build/release/probe", "build", new CargoCommand(false, [], false, null, null), null, [],
            user, ["/bin/probe"], null, [], new Dictionary<string, string>(), (0, 0), null);
        var image = OciImageWriter.Build(stage, binary, Convert.ToInt32("755", 8), new Dictionary<string, string>(), DateTimeOffset.UnixEpoch, true, "COPY probe /bin/probe");
        var layout = Path.Combine(WorkDirectory, "layout-" + tag);
        image.WriteDirLayout(layout);
        var pushed = await Skopeo.PushAsync(layout, Registry!.Host + "/test/probe:" + tag, AuthFile, Registry.CertDirectory, true, ct);
        Assert.True(pushed.IsSuccess, pushed.Error);
        return Registry.Host + "/test/probe@" + pushed.Value;
    }
}

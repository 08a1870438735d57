using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using TinyImage.KubeEmulator.StandIns;
using TinyImage.Operator.IntegrationTests.Registry;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>
/// The operator as it ships, for the hostile corpus: its NativeAOT image built by <c>scripts/build-operator-image.sh</c> and
/// pushed to a TLS registry with htpasswd (as <see cref="LocalCluster"/> does), the chart's Deployment rendered by
/// <c>helm template</c> (its pod template is what each case runs), and a plain docker-registry on loopback that holds the
/// corpus. Skips, saying why, where a tool is missing (as the end-to-end scenario does).
/// </summary>
public sealed class ContainerizedCorpusFixture : IAsyncLifetime
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("tinyimage-corpus-").FullName;

    internal string? SkipReason { get; private set; }

    /// <summary>The registry the operator image is pulled from.</summary>
    internal LocalRegistry? ImageRegistry { get; private set; }

    /// <summary>The registry the corpus is pushed to (plain HTTP: the operator verifies with <c>--insecure</c>).</summary>
    internal PlainRegistryFixture Corpus { get; } = new();

    /// <summary>The operator image as pushed, <c>repository:tag@sha256:...</c>.</summary>
    internal string OperatorImage { get; private set; } = "";

    /// <summary>The chart's Deployment as <c>helm template</c> renders it with that image.</summary>
    internal JsonObject Deployment { get; private set; } = [];

    /// <summary>A Docker config file with the image registry's credentials (podman's pull).</summary>
    internal string AuthFile => Path.Combine(_directory, "dockerconfig.json");

    internal string Directory => _directory;

    internal void Require()
    {
        if (SkipReason is not null)
        {
            Assert.Skip(SkipReason);
        }
    }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        SkipReason = await LocalCluster.MissingPrerequisiteAsync(_directory, ct);
        if (SkipReason is not null)
        {
            return;
        }

        await Corpus.InitializeAsync();
        if (Corpus.SkipReason is { } corpusSkip)
        {
            SkipReason = corpusSkip;
            return;
        }

        ImageRegistry = await LocalRegistry.StartAsync(Path.Combine(_directory, "registry"), ct);
        await File.WriteAllTextAsync(AuthFile, ImageRegistry.DockerConfigJson(), ct);
        var pushed = await Tool.RunAsync(LocalCluster.ImageScript, [ImageRegistry.Host + "/tinyimage/operator:corpus", "--cert-dir", ImageRegistry.CertDirectory, "--authfile", AuthFile], ct);
        if (!pushed.Succeeded)
        {
            throw new InvalidOperationException("scripts/build-operator-image.sh failed: " + pushed.Describe());
        }

        var pinned = pushed.Stdout.Trim().Split('\n')[^1];
        var at = pinned.IndexOf('@', StringComparison.Ordinal);
        OperatorImage = pinned[..at] + ":corpus" + pinned[at..];
        var rendered = await Tool.RunAsync(LocalCluster.HelmPath,
        [
            "template", LocalCluster.Release, RepoPaths.Repo("charts", "tinyimage-operator"), "--namespace", LocalCluster.OperatorNamespace,
            "--set", "image.repository=" + pinned[..at],
            "--set", "image.tag=corpus" + pinned[at..],
        ], ct);
        if (!rendered.Succeeded)
        {
            throw new InvalidOperationException("helm template failed: " + rendered.Describe());
        }

        Deployment = YamlJson.ParseAll(rendered.Stdout).OfType<JsonObject>().Single(o => (string?)o["kind"] == "Deployment");
    }

    public async ValueTask DisposeAsync()
    {
        if (ImageRegistry is not null)
        {
            await ImageRegistry.DisposeAsync();
        }

        await Corpus.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // podman's vfs layers may still be held for a moment; the temp directory is left behind
        }
        catch (UnauthorizedAccessException)
        {
            // as above
        }
    }
}

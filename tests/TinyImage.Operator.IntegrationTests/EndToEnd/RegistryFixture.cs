using TinyImage.KubeEmulator.StandIns;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>One real docker-registry (TLS + htpasswd) per test class, or the reason there is none.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tinyimage-registry-").FullName;

    /// <summary>The running registry, or null (see <see cref="SkipReason"/>).</summary>
    public LocalRegistry? Registry { get; private set; }

    /// <summary>Why tests that need the registry must skip, or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>A scratch directory that lives as long as the fixture.</summary>
    public string WorkDirectory => Path.Combine(_directory, "work");

    /// <summary>The fixture binaries built by scripts/build-fixtures.sh.</summary>
    public static string FixtureDirectory => RepoPaths.Tools("fixtures");

    /// <summary>Why the fixture binaries cannot be used, or null.</summary>
    public static string? FixturesMissing() =>
        File.Exists(Path.Combine(FixtureDirectory, "hello-service"))
            ? null
            : "the Rust fixtures are not built (.tools/fixtures/hello-service missing; scripts/build-fixtures.sh builds them, scripts/test.sh runs it)";

    /// <summary>The registry, or a skip saying why there is none.</summary>
    public LocalRegistry Require()
    {
        if (Registry is null)
        {
            Assert.Skip(SkipReason ?? "no registry");
        }

        return Registry;
    }

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        SkipReason = LocalRegistry.MissingPrerequisite() ?? (Skopeo.IsInstalled ? null : "skopeo is not installed (scripts/install-tools.sh installs it)");
        if (SkipReason is null)
        {
            Registry = await LocalRegistry.StartAsync(Path.Combine(_directory, "registry"), TestContext.Current.CancellationToken);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        if (Environment.GetEnvironmentVariable("TINYIMAGE_KEEP_TEST_DIRS") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a container runtime may still hold files; the temp directory is cleaned by the OS
        }
        catch (UnauthorizedAccessException)
        {
            // same as above
        }
    }
}

using Xunit;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Oci;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>The common part of the real-registry fixtures: temp directory, port, process, client factory.</summary>
public abstract class RegistryFixture : IAsyncLifetime
{
    private RegistryProcess? process;

    protected RegistryFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tinyimage-registry-").FullName;
        Port = FreePort.Next();
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The registry as written in image references: <c>127.0.0.1:PORT</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Why the tests skip (binary missing, registry did not start), or null.</summary>
    public string? SkipReason => process?.SkipReason;

    /// <summary>CA certificates to trust for this registry, if it serves TLS.</summary>
    internal virtual X509Certificate2Collection? Trust => null;

    /// <summary>Plain HTTP registries need the client's insecure mode.</summary>
    internal virtual bool Insecure => false;

    internal ImageReference Ref(string repositoryAndTag) => ImageReference.Parse($"{Host}/{repositoryAndTag}");

    /// <summary>A client for this registry; options are completed with the fixture's trust and insecure flag.</summary>
    internal RegistryClient Client(RegistryClientOptions? options = null)
    {
        var o = (options ?? new RegistryClientOptions()) with { Insecure = Insecure || (options?.Insecure ?? false) };
        if (ReferenceEquals(o.Outbound, OutboundPolicy.Default))
        {
            o = o with { Outbound = LoopbackAllowed.Policy };
        }

        return new RegistryClient(RegistryHttpHandlers.Create(Trust, o.Insecure, TimeSpan.FromSeconds(5), o.Outbound), true, o, TimeProvider.System, NullLogger.Instance);
    }

    /// <summary>Why this configuration cannot run here (a missing tool), or null.</summary>
    protected virtual string? MissingPrerequisite => null;

    /// <summary>Writes certificates, password files and the like before the registry starts; returns the http/auth YAML.</summary>
    protected abstract Task<string> PrepareAsync();

    /// <summary>GET /v2/ answered at all (any status).</summary>
    protected abstract Task<bool> ProbeAsync();

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(RegistryProcess.Binary))
        {
            process = RegistryProcess.Skipped(Directory, Port, $"{RegistryProcess.Binary} is not installed (run scripts/install-tools.sh).");
            return;
        }

        if (MissingPrerequisite is { } missing)
        {
            process = RegistryProcess.Skipped(Directory, Port, missing);
            return;
        }

        var yaml = await PrepareAsync();
        process = await RegistryProcess.StartAsync(Directory, Port, yaml, ProbeAsync);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected static async Task<bool> ProbeWith(HttpMessageHandler handler, Uri uri)
    {
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(uri);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Skips the calling test when the registry is not running.</summary>
    internal void SkipIfUnavailable()
    {
        if (SkipReason is not null)
        {
            Assert.Skip(SkipReason);
        }
    }
}

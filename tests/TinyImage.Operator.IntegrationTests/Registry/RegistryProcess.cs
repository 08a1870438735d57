using Xunit;
using System.Diagnostics;
using System.Text;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// Runs Debian's <c>docker-registry</c> (distribution 2.8) on a free loopback port with a config written into a temp
/// directory; waits (bounded) until <c>/v2/</c> answers; kills it on dispose. <see cref="SkipReason"/> is set when the
/// binary is missing or the registry did not come up, and tests then skip saying why.
/// </summary>
internal sealed class RegistryProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/docker-registry";

    private readonly Process? process;
    private readonly StringBuilder output = new();

    private RegistryProcess(string directory, int port, Process? process, string? skipReason)
    {
        Directory = directory;
        Port = port;
        this.process = process;
        SkipReason = skipReason;
    }

    public string Directory { get; }

    public int Port { get; }

    public string? SkipReason { get; private set; }

    /// <summary>A registry that was not started, for the reason given.</summary>
    public static RegistryProcess Skipped(string directory, int port, string reason) => new(directory, port, null, reason);

    /// <summary>Writes config.yml (the <paramref name="httpAndAuthYaml"/> block is appended) and starts the registry.</summary>
    /// <param name="directory">The fixture's temp directory.</param>
    /// <param name="port">The port the YAML listens on.</param>
    /// <param name="httpAndAuthYaml">The <c>http:</c> and <c>auth:</c> sections.</param>
    /// <param name="probe">Sends GET /v2/ and returns whether any HTTP answer came back.</param>
    public static async Task<RegistryProcess> StartAsync(string directory, int port, string httpAndAuthYaml, Func<Task<bool>> probe)
    {
        if (!File.Exists(Binary))
        {
            return new RegistryProcess(directory, port, null, $"{Binary} is not installed (run scripts/install-tools.sh).");
        }

        var config = Path.Combine(directory, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "data")}
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            {httpAndAuthYaml}
            """);

        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "serve", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry did not start.");
        var result = new RegistryProcess(directory, port, process, null);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var up = await Eventually.TrueAsync(
            async () => !process.HasExited && await probe(),
            attempts: 100,
            interval: TimeSpan.FromMilliseconds(100),
            CancellationToken.None);
        if (!up)
        {
            result.SkipReason = $"docker-registry did not answer /v2/ on port {port} within 10 s (exited: {process.HasExited}). Output: {result.Output}";
        }

        return result;
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < 64 * 1024)
            {
                output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}

using System.Diagnostics;

namespace TinyImage.Operator.E2E;

/// <summary>Tells whether a Docker engine answers here, and if not, why: the K3s suite skips with that reason.</summary>
internal static class DockerEngine
{
    private static readonly Lazy<string?> UnavailableReasonLazy = new(Probe);

    /// <summary>Null when a Docker engine answered <c>docker version</c>; otherwise the reason it is unusable.</summary>
    public static string? UnavailableReason => UnavailableReasonLazy.Value;

    private static string? Probe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrEmpty(host) && !File.Exists("/var/run/docker.sock"))
        {
            return "no Docker engine: DOCKER_HOST is unset and /var/run/docker.sock does not exist " +
                   "(this suite runs on a machine with Docker, e.g. the e2e workflow in .github/workflows)";
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo("docker", "version --format {{.Server.Version}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill(entireProcessTree: true);
                return "no Docker engine: `docker version` did not answer within 20 s";
            }

            var error = process.StandardError.ReadToEnd().Trim();
            return process.ExitCode == 0 ? null : $"no Docker engine: `docker version` failed ({error})";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"no Docker engine: the docker client could not be started ({e.Message})";
        }
    }
}

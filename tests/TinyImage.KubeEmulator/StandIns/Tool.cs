using System.Diagnostics;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>Runs the machine's real tools (skopeo, podman, htpasswd, docker-registry) without a shell.</summary>
public static class Tool
{
    /// <summary>The full path of <paramref name="name"/> on PATH (or an absolute path that exists), else null.</summary>
    public static string? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Path.IsPathRooted(name))
        {
            return File.Exists(name) ? name : null;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin").Split(':'))
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p))
            {
                return p;
            }
        }

        foreach (var dir in new[] { "/usr/sbin", "/sbin" })
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>Runs a tool to completion; kills it (and its children) when cancelled.</summary>
    public static async Task<ToolResult> RunAsync(
        string file,
        IEnumerable<string> args,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null,
        string? stdin = null)
    {
        using var p = new Process { StartInfo = StartInfo(file, args, environment) };
        p.StartInfo.RedirectStandardInput = stdin is not null;
        var commandLine = file + " " + string.Join(' ', p.StartInfo.ArgumentList);
        p.Start();
        var stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
            p.StandardInput.Close();
        }

        try
        {
            await p.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }

        return new ToolResult(p.ExitCode, await stdout, await stderr, commandLine);
    }

    /// <summary>Start info with redirected output, no shell, and extra environment variables.</summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        return psi;
    }
}

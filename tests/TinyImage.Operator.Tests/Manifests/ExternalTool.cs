using System.Diagnostics;

namespace TinyImage.Operator.Tests.Manifests;

/// <summary>Test helper: runs a command-line tool with a bounded wait and captures its output.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>The path of a tool in <c>.tools/bin</c> or on PATH, or null.</summary>
    public static string? Find(string name, string? toolsPath = null)
    {
        if (toolsPath is not null && File.Exists(toolsPath))
        {
            return toolsPath;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static async Task<Result> RunAsync(string tool, IEnumerable<string> args, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + tool);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}

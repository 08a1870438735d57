using System.Diagnostics;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// Runs the real kubectl 1.35 (installed by scripts/install-tools.sh) against an emulator, in its own directory, with
/// <paramref name="kubeconfig"/> (default <c>DIRECTORY/kubeconfig</c>) and a discovery cache of its own per kubeconfig.
/// </summary>
internal sealed class KubectlRunner(string directory, string? kubeconfig = null)
{
    private readonly string _kubeconfig = kubeconfig ?? System.IO.Path.Combine(directory, "kubeconfig");

    public static string Path => RepoPaths.Tools("bin", "kubectl");

    /// <summary>Skips the calling test, saying why, when kubectl is not installed.</summary>
    public static void SkipIfMissing()
    {
        if (!File.Exists(Path))
        {
            Assert.Skip($"kubectl not found at {Path}: run scripts/install-tools.sh to install kubectl 1.35");
        }
    }

    /// <summary>Runs kubectl; stdout then stderr.</summary>
    public async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add("--cache-dir=" + System.IO.Path.Combine(directory, "cache-" + System.IO.Path.GetFileName(_kubeconfig)));
        start.Environment["KUBECONFIG"] = _kubeconfig;
        start.Environment["HOME"] = directory;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(KubeHttp.Bounded(TimeSpan.FromSeconds(40)));
        var stderr = process.StandardError.ReadToEndAsync(KubeHttp.Bounded(TimeSpan.FromSeconds(40)));
        try
        {
            await process.WaitForExitAsync(KubeHttp.Bounded(TimeSpan.FromSeconds(40)));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>How a command-line tool ended.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error.</param>
/// <param name="CommandLine">The command as run, for messages (no secrets in it: credentials go through files or stdin).</param>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr, string CommandLine)
{
    /// <summary>Exit code 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>A one-paragraph description of a failure.</summary>
    public string Describe() => $"{CommandLine} exited with {ExitCode}: {(Stderr.Length > 0 ? Stderr : Stdout).Trim()}";
}

using System.Globalization;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// The real <c>podman</c> with runc, isolated per instance: its own storage root and run root under a work directory,
/// the vfs storage driver (no overlay mounts needed), cgroupfs (no systemd here), file events, and a containers.conf with
/// <c>default_ulimits = []</c> (the sandbox refuses raising RLIMIT_NOFILE).
/// </summary>
public sealed class Podman
{
    private readonly string _podman;
    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;

    /// <summary>Prepares podman state in <paramref name="directory"/>.</summary>
    public Podman(string directory)
    {
        _podman = Tool.Find("podman") ?? throw new InvalidOperationException("podman is not installed");
        _directory = directory;
        Directory.CreateDirectory(directory);
        var conf = Path.Combine(directory, "containers.conf");
        File.WriteAllText(conf, """
            [containers]
            default_ulimits = []
            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            runtime = "runc"
            """);
        _environment = new Dictionary<string, string>
        {
            ["CONTAINERS_CONF"] = conf,
            ["HOME"] = directory,
            ["TMPDIR"] = Directory.CreateDirectory(Path.Combine(directory, "tmp")).FullName,
        };
    }

    /// <summary>Why podman cannot run containers here, or null when it can (checked once by running <c>podman info</c>).</summary>
    public static async Task<string?> MissingPrerequisiteAsync(string directory, CancellationToken cancellationToken)
    {
        if (Tool.Find("podman") is null)
        {
            return "podman is not installed (scripts/install-tools.sh installs it)";
        }

        if (Tool.Find("runc") is null)
        {
            return "runc is not installed (scripts/install-tools.sh installs it)";
        }

        var podman = new Podman(directory);
        var info = await podman.RunAsync(["info", "--format", "{{.Host.OCIRuntime.Name}}"], cancellationToken);
        await podman.DeleteRunRootAsync();
        return info.Succeeded ? null : "podman cannot run here: " + info.Describe();
    }

    /// <summary>
    /// Deletes the run root (after every container is removed). A container's conmon may still be writing its exit
    /// files there for a moment after <c>podman rm</c> returned, so a directory that is not empty yet is tried again,
    /// a bounded number of times.
    /// </summary>
    public async Task DeleteRunRootAsync()
    {
        for (var attempt = 1; Directory.Exists(RunRoot); attempt++)
        {
            try
            {
                Directory.Delete(RunRoot, recursive: true);
            }
            catch (IOException) when (attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>Runs <c>podman GLOBAL-FLAGS args</c>.</summary>
    public Task<ToolResult> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken) =>
        Tool.RunAsync(_podman, [.. GlobalFlags(), .. args], cancellationToken, _environment);

    private string[] GlobalFlags() =>
    [
        "--root", Path.Combine(_directory, "root"),
        "--runroot", RunRoot,
        "--runtime", "runc",
        "--storage-driver", "vfs",
        "--cgroup-manager", "cgroupfs",
        "--events-backend", "file",
        "--log-level", "error",
    ];

    /// <summary>
    /// The run root: podman refuses one longer than 50 characters, so it lives in /tmp under a name derived from the
    /// work directory (the same directory always gets the same run root).
    /// </summary>
    public string RunRoot => Path.Combine(Path.GetTempPath(), "tipm-" + Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_directory)))[..12]);

    /// <summary>A container name that is unique in this podman root.</summary>
    public static string ContainerName(string ns, string name, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"k8s_{ns}_{name}_{sequence}");
}

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Command-line options of the standalone emulator for the real stand-ins:
/// <c>--stand-ins DIR --prebuilt-binaries DIR [--prebuilt TINYIMAGE=FILE]... [--service-port N] [--pod-spec-namespace NS]...</c>.
/// </summary>
public sealed class StandInHostOptions
{
    /// <summary>The usage text of these options.</summary>
    public const string Usage =
        "[--stand-ins DIR --prebuilt-binaries DIR [--prebuilt TINYIMAGE=FILE]... [--service-port N] [--pod-spec-namespace NS]...]";

    /// <summary>Work directory: registry, podman state, stand-ins.env, services/*.url. Null: stand-ins off.</summary>
    public string? Directory { get; set; }

    /// <summary>Where the prebuilt binaries are (scripts/build-fixtures.sh writes .tools/fixtures).</summary>
    public string? PrebuiltBinaries { get; set; }

    /// <summary>TinyImage name to a prebuilt file name.</summary>
    public Dictionary<string, string> Prebuilt { get; } = new(StringComparer.Ordinal);

    /// <summary>Loopback port of the first Service (0: any free port).</summary>
    public int ServicePort { get; set; }

    /// <summary>Namespaces whose pods run exactly as stored (<see cref="PodmanPodKubelet"/>): the operator's own, installed from its chart.</summary>
    public List<string> PodSpecNamespaces { get; } = [];

    /// <summary>Consumes one stand-in option at <paramref name="i"/>; false when the argument is not one.</summary>
    public bool TryConsume(string[] args, ref int i)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? Next(ref int j) => j + 1 < args.Length ? args[++j] : throw new ArgumentException(args[j] + " needs a value");
        switch (args[i])
        {
            case "--stand-ins":
                Directory = Path.GetFullPath(Next(ref i)!);
                return true;
            case "--prebuilt-binaries":
                PrebuiltBinaries = Path.GetFullPath(Next(ref i)!);
                return true;
            case "--prebuilt":
                var pair = Next(ref i)!;
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new ArgumentException("--prebuilt takes TINYIMAGE=FILE");
                }

                Prebuilt[pair[..eq]] = pair[(eq + 1)..];
                return true;
            case "--service-port":
                ServicePort = int.Parse(Next(ref i)!, System.Globalization.CultureInfo.InvariantCulture);
                return true;
            case "--pod-spec-namespace":
                PodSpecNamespaces.Add(Next(ref i)!);
                return true;
            default:
                return false;
        }
    }
}

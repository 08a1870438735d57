using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.Bench.Report;

/// <summary>What the numbers were measured on: cores, memory, CPU model, load average at the time.</summary>
internal static class Machine
{
    public static JsonObject Describe() => new()
    {
        ["nproc"] = Environment.ProcessorCount,
        ["memTotalMiB"] = MemTotalKiB() / 1024,
        ["cpuModel"] = CpuModel(),
        ["loadAverage"] = LoadAverage(),
        ["dotnet"] = Environment.Version.ToString(),
        ["time"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    };

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";

    private static long MemTotalKiB() =>
        File.Exists("/proc/meminfo")
            ? long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)
            : 0;
}

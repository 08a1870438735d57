using System.Globalization;

namespace TinyImage.Bench.Cluster;

/// <summary>CPU time and memory of another process, from /proc (Linux).</summary>
internal static class ProcStats
{
    /// <summary>Clock ticks per second for utime/stime (USER_HZ is 100 on Linux x86-64).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU seconds (fields 14 and 15 of /proc/PID/stat).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>A /proc/PID/status value in KiB (VmHWM: peak RSS, VmRSS: current RSS).</summary>
    public static long StatusKiB(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(key.Length + 1).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    public static double PeakRssMiB(int pid) => StatusKiB(pid, "VmHWM") / 1024.0;

    public static double RssMiB(int pid) => StatusKiB(pid, "VmRSS") / 1024.0;
}

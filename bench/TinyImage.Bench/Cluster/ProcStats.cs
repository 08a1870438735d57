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
    public static long StatusKiB(int pid, string key) => StatusNumber($"/proc/{pid}/status", key);

    /// <summary>
    /// Context switches of the process's live threads so far (/proc/PID/task/*/status): voluntary (the thread blocked) and
    /// involuntary (it was preempted, or yielded while another thread could run). Threads that have ended are not counted.
    /// </summary>
    public static (long Voluntary, long Involuntary) ContextSwitches(int pid)
    {
        long voluntary = 0, involuntary = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                voluntary += StatusNumber(Path.Combine(task, "status"), "voluntary_ctxt_switches");
                involuntary += StatusNumber(Path.Combine(task, "status"), "nonvoluntary_ctxt_switches");
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return (voluntary, involuntary);
    }

    /// <summary>The number a status file gives for <paramref name="key"/> (its first word: a size's unit follows it), or -1 when absent.</summary>
    private static long StatusNumber(string statusFile, string key)
    {
        foreach (var line in File.ReadLines(statusFile))
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

using System.Diagnostics;
using System.Globalization;

namespace TinyImage.Bench.Verification;

/// <summary>
/// One timed call: wall time, managed bytes allocated (all threads), CPU time of this process (all threads) and of the
/// registry process when its pid is known, and how long this process's threads waited for a core (run queue).
/// </summary>
internal sealed record Sample(double Ms, long Allocated, double CpuMs, double RegistryCpuMs, double RunQueueMs);

/// <summary>Wall time, CPU time and managed bytes allocated around an action.</summary>
internal static class Timing
{
    public static async Task<Sample> MeasureAsync(Func<Task> action, int? registryPid = null)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var wait = Schedstat(Environment.ProcessId).WaitNs; // read outside the allocation count: it allocates
        var registryCpu = registryPid is { } pid ? Schedstat(pid).CpuNs : 0;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = ProcessCpuNs();
        var watch = Stopwatch.StartNew();
        await action();
        watch.Stop();
        var cpuAfter = ProcessCpuNs();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var waitAfter = Schedstat(Environment.ProcessId).WaitNs;
        var registryCpuAfter = registryPid is { } p ? Schedstat(p).CpuNs : 0;
        return new Sample(
            watch.Elapsed.TotalMilliseconds,
            allocated,
            (cpuAfter - cpu) / 1e6,
            (registryCpuAfter - registryCpu) / 1e6,
            (waitAfter - wait) / 1e6);
    }

    /// <summary>
    /// This process's CPU time, all threads, in ns: <c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c>, exact to the call (the
    /// scheduler brings the running threads' time up to date; <c>schedstat</c> lags by up to a tick for a running thread).
    /// </summary>
    public static long ProcessCpuNs()
    {
        if (ClockGetTime(2, out var now) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
        }

        return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
#pragma warning disable SYSLIB1054 // the harness is JIT-only: DllImport is enough, no source-generated marshalling needed
    private static extern int ClockGetTime(int clock, out TimeSpec value);
#pragma warning restore SYSLIB1054

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>
    /// CPU time and run-queue wait of every thread of <paramref name="pid"/>, in ns, from <c>/proc/PID/task/*/schedstat</c>
    /// (the scheduler's own accounting: nanoseconds, where <c>/proc/PID/stat</c> counts 10 ms ticks). A thread that ends
    /// between two readings takes its share with it: the thread pool's threads live long, so this is rare.
    /// </summary>
    public static (long CpuNs, long WaitNs) Schedstat(int pid)
    {
        long cpu = 0, wait = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var fields = File.ReadAllText(task + "/schedstat").Split(' ');
                cpu += long.Parse(fields[0], CultureInfo.InvariantCulture);
                wait += long.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the thread ended while being read
            }
        }

        return (cpu, wait);
    }

    /// <summary>Runs a process to its end, output discarded; returns the wall time from before the spawn to its exit, and its stdout.</summary>
    public static (double Ms, string Output) Process(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The bench runs with DOTNET_ReadyToRun=0 (bench/run.sh) so its own framework code is fully optimized; a timed
        // whole process (the JIT CLI above all) starts as a user would start it, with the framework's precompiled code.
        start.Environment.Remove("DOTNET_ReadyToRun");
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        var watch = Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException(file + " did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        watch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
        }

        return (watch.Elapsed.TotalMilliseconds, stdout.Result);
    }
}

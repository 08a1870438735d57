using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace TinyImage.Bench.Micro;

/// <summary>
/// <c>micro --fixture BINARY --results DIR [BenchmarkDotNet args]</c>: the BenchmarkDotNet micro-benchmarks, in-process
/// (no per-benchmark project build, which a shared 2-core machine cannot afford), with the memory diagnoser.
/// </summary>
internal static class MicroCommand
{
    public static int Run(Args args, IReadOnlyList<string> raw)
    {
        Environment.SetEnvironmentVariable("BENCH_FIXTURE", Path.GetFullPath(args.Required("--fixture")));
        var results = Path.GetFullPath(Path.Combine(args.Required("--results"), "micro"));
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(15))
            .AddExporter(MarkdownExporter.GitHub)
            .AddExporter(JsonExporter.Brief)
            .WithArtifactsPath(results);
        var rest = raw.Where((a, i) => a is not ("--fixture" or "--results") && (i == 0 || raw[i - 1] is not ("--fixture" or "--results"))).ToArray();
        BenchmarkSwitcher.FromTypes([typeof(SbomBenchmarks), typeof(EmulatorJsonBenchmarks)]).Run(rest.Length == 0 ? ["--filter", "*"] : rest, config);
        return 0;
    }
}

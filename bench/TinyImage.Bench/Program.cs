using TinyImage.Bench;
using TinyImage.Bench.Advisories;
using TinyImage.Bench.Cluster;
using TinyImage.Bench.Images;
using TinyImage.Bench.Micro;
using TinyImage.Bench.Report;
using TinyImage.Bench.Verification;

// The benchmark harness; bench/run.sh calls each verb with the paths it built. See BENCHMARKS.md.
var rest = args.Skip(1).ToList();
var parsed = new Args(rest);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return args.FirstOrDefault() switch
{
    "micro" => MicroCommand.Run(parsed, rest),
    "images" => await ImagesCommand.RunAsync(parsed, stop.Token),
    "verify" => await VerifyCommand.RunAsync(parsed, stop.Token),
    "pull-loop" => await PullLoopCommand.RunAsync(parsed, stop.Token),
    "scale" => await ScaleCommand.RunAsync(parsed, rest, stop.Token),
    "startup" => await StartupCommand.RunAsync(parsed, rest, stop.Token),
    "chart" => SvgChart.Run(parsed),
    "reaudit" => await ReauditCommand.RunAsync(parsed, stop.Token),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: TinyImage.Bench micro|images|verify|pull-loop|scale|startup|chart|reaudit [flags] (bench/run.sh shows them all)");
    return 2;
}

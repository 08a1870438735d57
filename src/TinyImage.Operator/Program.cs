using TinyImage.Operator.Hosting;

namespace TinyImage.Operator;

internal static class Program
{
    /// <summary><c>tinyimage-operator VERSION</c>, from the assembly's informational version.</summary>
    public static string VersionText =>
        "tinyimage-operator " + (typeof(Program).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "unknown");

    public static async Task<int> Main(string[] args)
    {
        Telemetry.StartupTrace.Mark("main");
        try
        {
            return await RunVerbAsync(args).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The last line of defence: a local I/O failure is a named error with exit 2, never an unhandled exception (exit 134).
            await Console.Error.WriteLineAsync("tinyimage-operator: IoError: " + e.Message).ConfigureAwait(false);
            return 2;
        }
    }

    private static async Task<int> RunVerbAsync(string[] args)
    {
        if (args is ["--version"] or ["version"])
        {
            Console.Out.WriteLine(VersionText);
            return 0;
        }

        if (args is [Crd.CrdCommand.Verb, .. var crdArgs])
        {
            if (!DeveloperCommands.IsSupported)
            {
                await Console.Error.WriteLineAsync(DeveloperCommands.Unavailable(Crd.CrdCommand.Verb)).ConfigureAwait(false);
                return 2;
            }

            return Crd.CrdCommand.Run(crdArgs, Console.Out, Console.Error);
        }

        if (args is ["verify", .. var verifyArgs])
        {
            return await new Cli.VerifyCommand().RunAsync(verifyArgs, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
        }

        if (args is [Cli.RenderCommand.Verb, .. var renderArgs])
        {
            return Cli.RenderCommand.Run(renderArgs, Console.In, Console.Out, Console.Error);
        }

        // No verb, or a flag first: the operator's main job.
        if (args is [] or ["run", ..] || args[0].StartsWith('-'))
        {
            return await RunCommand.RunAsync(args is ["run", .. var runArgs] ? runArgs : args, CreateVerifier).ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync("tinyimage-operator: unknown verb '" + args[0] + "'\n\n" + RunArguments.Usage).ConfigureAwait(false);
        return 2;
    }

    /// <summary>The run verb's image verifier: the registry client (trusting the system CAs, SSL_CERT_FILE included, reaching
    /// only what <c>--registry-allow</c>/<c>--deny-cidr</c> permit), the SBOM
    /// policy, the scratch directory of <c>--temp-dir</c>, and the advisory database of <c>--advisory-db</c> (loaded in the background).</summary>
    private static Verification.IImageVerifier CreateVerifier(Microsoft.Extensions.Logging.ILoggerFactory loggers, Configuration.OperatorOptions options)
    {
        Verification.AdvisoryDatabaseHolder? advisories = null;
        if (options.AdvisoryDatabaseDirectory is { } directory)
        {
            advisories = new Verification.AdvisoryDatabaseHolder();
            var refresher = new Verification.AdvisoryDatabaseRefresher(
                advisories, directory, options.AdvisoryDatabaseRefresh, TimeProvider.System, loggers.CreateLogger("TinyImage.Operator.Advisories"));
            Telemetry.AdvisoryDatabaseStatus.Register(refresher);
            _ = Task.Run(() => refresher.RunAsync(CancellationToken.None));
        }

        return new Verification.ImageVerifier(
            new Verification.ImageVerifierOptions { TempDirectory = options.TempDirectory, Advisories = advisories, Deadline = options.VerifyTimeout, Client = new Oci.RegistryClientOptions { Outbound = options.RegistryOutbound } },
            TimeProvider.System,
            Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<Verification.ImageVerifier>(loggers));
    }
}

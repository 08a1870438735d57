using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Advisories;
using TinyImage.Oci;
using TinyImage.Sbom;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Cli;

/// <summary>
/// <c>verify TARGET [--output table|json|cyclonedx] [--deny PKG]... [--expect-root NAME] [--no-require-sbom] [--advisory-db DIR|FILE.tar.gz]</c>:
/// reads the cargo-auditable SBOM of a local binary (a TARGET that exists as a file) or, through the verifier's pipeline
/// (<see cref="ImageSbomReader"/>), of an image reference, prints it and applies the policy; with <c>--advisory-db</c> it
/// audits the packages against the RustSec advisory database like <c>cargo audit bin</c> (informational advisories are
/// printed as warnings and do not fail).
/// Exit codes: 0 the policy passed and no advisory was found, 1 it failed or an advisory was found (reason on stderr,
/// <c>AdvisoryFound</c> for advisories), 2 usage or local I/O error, an unreadable advisory database included (a named reason on stderr,
/// e.g. <c>ScratchSpaceUnavailable</c> when <c>--temp-dir</c>/<c>$TMPDIR</c> is not writable; never an unhandled exception).
/// </summary>
internal sealed class VerifyCommand
{
    public const int ExitPassed = 0;
    public const int ExitPolicyFailed = 1;
    public const int ExitUsage = 2;

    public const string Usage =
        "usage: tinyimage-operator verify PATH|IMAGE-REF [--output table|json|cyclonedx] [--deny PKG]... [--expect-root NAME] [--no-require-sbom]\n"
        + "       [--advisory-db DIR|FILE.tar.gz]   audit the packages against the RustSec advisory database (like cargo audit bin)\n"
        + "       image options: [--binary NAME] [--creds USER:PASS | --docker-config FILE] [--insecure] [--ca FILE] [--temp-dir DIR]\n"
        + "                      [--registry-allow HOST|*.DOMAIN|CIDR]... (loopback, link-local and metadata addresses are refused otherwise)\n"
        + "exit codes: 0 the policy passed and no advisory was found; 1 the policy failed or an advisory was found (AdvisoryFound);\n"
        + "            2 usage or local I/O error (unreadable file, advisory database or scratch directory)";

    /// <summary>Runs the verb with its arguments (after <c>verify</c>), writing results to <paramref name="stdout"/> and diagnostics to <paramref name="stderr"/>.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var parsed = VerifyOptions.Parse(args);
        if (parsed.Help)
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return ExitPassed;
        }

        if (parsed.Error is { } error)
        {
            await stderr.WriteLineAsync($"verify: {error}\n{Usage}").ConfigureAwait(false);
            return ExitUsage;
        }

        var options = parsed.Options!;
        AdvisoryDatabase? database = null;
        if (options.AdvisoryDb is { } dbPath)
        {
            database = await LoadDatabaseAsync(dbPath, stderr, cancellationToken).ConfigureAwait(false);
            if (database is null)
            {
                return ExitUsage;
            }
        }

        SbomOutcome<AuditData> sbom;
        ImageFacts? image = null;
        if (File.Exists(options.Target))
        {
            try
            {
                await using var stream = new FileStream(options.Target, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
                sbom = AuditDataReader.Read(stream);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"verify: cannot read {options.Target}: {ex.Message}").ConfigureAwait(false);
                return ExitUsage;
            }
        }
        else if (!ImageReference.TryParse(options.Target, out var reference, out var referenceError))
        {
            await stderr.WriteLineAsync($"verify: {options.Target}: no such file, and not an image reference: {referenceError}").ConfigureAwait(false);
            return ExitUsage;
        }
        else
        {
            var read = await ReadImageAsync(reference, options.Registry, stderr, cancellationToken).ConfigureAwait(false);
            if (read is null)
            {
                return ExitUsage;
            }

            if (read.LocalError is { } local)
            {
                await stderr.WriteLineAsync(local).ConfigureAwait(false);
                return ExitUsage;
            }

            if (read.Failure is { } failed)
            {
                await stderr.WriteLineAsync($"{failed.Reason}: {failed.Message}").ConfigureAwait(false);
                return ExitPolicyFailed;
            }

            sbom = read.Sbom!;
            image = read.Facts!;
            await stderr.WriteLineAsync($"{image.Repository}@{image.Digest}: {image.LayerCount} layer(s), {image.TotalSizeBytes.ToString(CultureInfo.InvariantCulture)} bytes, binary {read.BinaryPath}").ConfigureAwait(false);
        }

        var result = SbomPolicyEvaluator.Evaluate(options.Policy, sbom, image, database, TimeProvider.System.GetUtcNow());
        await WriteOutputAsync(options.Output, sbom, result, stdout).ConfigureAwait(false);
        await stderr.WriteLineAsync($"{result.Reason}: {result.Message}").ConfigureAwait(false);
        return result.Passed ? ExitPassed : ExitPolicyFailed;
    }

    /// <summary>A directory is read as a clone of the database, a file as its tar.gz archive; null (the reason on stderr) when unreadable.</summary>
    private static async Task<AdvisoryDatabase?> LoadDatabaseAsync(string path, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return await AdvisoryDatabase.LoadFromDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
            }

            await using var archive = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
            return await AdvisoryDatabase.LoadFromTarGzAsync(archive, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AdvisoryFormatException)
        {
            await stderr.WriteLineAsync($"AdvisoryDatabaseUnavailable: cannot read the advisory database {path}: {e.Message}").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// Reads the image's SBOM with the verifier's pipeline (<see cref="ImageSbomReader"/>): credentials from <c>--creds</c>
    /// (for the reference's registry) or <c>--docker-config</c>, <c>--insecure</c>, <c>--ca</c>, <c>/bin/NAME</c> from
    /// <c>--binary</c> (else the only entry of <c>/bin</c>), a binary over the memory budget written to <c>--temp-dir</c> (else <c>$TMPDIR</c>), progress
    /// of layers over 1 MiB to <paramref name="stderr"/>. Null (the reason on stderr) when a named file cannot be read.
    /// </summary>
    private static async Task<ImageRead?> ReadImageAsync(ImageReference reference, RegistryAccessOptions access, TextWriter stderr, CancellationToken cancellationToken)
    {
        RegistryCredentials credentials = RegistryCredentials.Anonymous;
        X509Certificate2Collection? trust = null;
        try
        {
            if (access.DockerConfigPath is { } path)
            {
                credentials = RegistryCredentials.FromDockerConfigJson(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
            }

            if (access.CaPath is { } ca)
            {
                trust = RegistryHttpHandlers.LoadPemBundle(ca);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RegistryException or CryptographicException)
        {
            await stderr.WriteLineAsync($"verify: {e.Message}").ConfigureAwait(false);
            return null;
        }

        if (access.Creds is { } creds)
        {
            // --creds applies to the registry of the reference being verified.
            var colon = creds.IndexOf(':', StringComparison.Ordinal);
            credentials = RegistryCredentials.For(reference.Registry, new RegistryCredential(creds[..colon], creds[(colon + 1)..]));
        }

        var readerOptions = new ImageVerifierOptions { CaCertificates = trust, TempDirectory = access.TempDirectory, Client = new RegistryClientOptions { Outbound = access.Outbound } };
        using var reader = new ImageSbomReader(readerOptions, TimeProvider.System, NullLogger.Instance);
        var repository = $"{reference.Registry}/{reference.Repository}";
        return await reader.ReadAsync(reference, repository, access.Binary, credentials, access.Insecure, admit: null, new LayerProgress(stderr), cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteOutputAsync(OutputFormat format, SbomOutcome<AuditData> sbom, VerificationResult result, TextWriter stdout)
    {
        if (!sbom.IsSuccess)
        {
            if (format == OutputFormat.Table)
            {
                await stdout.WriteLineAsync($"No SBOM: {sbom.Failure.Error}: {sbom.Failure.Message}").ConfigureAwait(false);
            }

            return;
        }

        switch (format)
        {
            case OutputFormat.Json when result.Advisories is { } report:
                await stdout.WriteLineAsync(AdvisoryJson.Write(AuditableJsonWriter.Write(sbom.Value), report)).ConfigureAwait(false);
                break;
            case OutputFormat.Json:
                await stdout.WriteLineAsync(AuditableJsonWriter.Write(sbom.Value)).ConfigureAwait(false);
                break;
            case OutputFormat.CycloneDx:
                await stdout.WriteAsync(result.CycloneDxJson).ConfigureAwait(false);
                break;
            default:
                await stdout.WriteAsync(PackageTable.Render(sbom.Value)).ConfigureAwait(false);
                if (result.Advisories is { } advisories)
                {
                    await stdout.WriteAsync(AdvisoryTable.Render(advisories)).ConfigureAwait(false);
                }

                break;
        }
    }
}

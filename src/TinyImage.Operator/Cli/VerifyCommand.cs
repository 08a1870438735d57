using System.Globalization;
using TinyImage.Sbom;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Cli;

/// <summary>
/// <c>verify TARGET [--output table|json|cyclonedx] [--deny PKG]... [--expect-root NAME] [--no-require-sbom]</c>:
/// reads the cargo-auditable SBOM of a local binary (a TARGET that exists as a file) or, through an
/// <see cref="IImageSbomSource"/>, of an image reference, prints it and applies the policy.
/// Exit codes: 0 the policy passed, 1 it failed (reason on stderr), 2 usage or local I/O error (a named reason on stderr,
/// e.g. <c>ScratchSpaceUnavailable</c> when <c>--temp-dir</c>/<c>$TMPDIR</c> is not writable; never an unhandled exception).
/// </summary>
internal sealed class VerifyCommand(IImageSbomSource? images = null)
{
    public const int ExitPassed = 0;
    public const int ExitPolicyFailed = 1;
    public const int ExitUsage = 2;

    public const string Usage =
        "usage: tinyimage-operator verify PATH|IMAGE-REF [--output table|json|cyclonedx] [--deny PKG]... [--expect-root NAME] [--no-require-sbom]\n"
        + "       image options: [--binary NAME] [--creds USER:PASS | --docker-config FILE] [--insecure] [--ca FILE] [--temp-dir DIR]\n"
        + "                      [--registry-allow HOST|*.DOMAIN|CIDR]... (loopback, link-local and metadata addresses are refused otherwise)";

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
        else if (images is null && !Oci.ImageReference.TryParse(options.Target, out _, out var referenceError))
        {
            await stderr.WriteLineAsync($"verify: {options.Target}: no such file, and not an image reference: {referenceError}").ConfigureAwait(false);
            return ExitUsage;
        }
        else
        {
            string? sourceError = null;
            var source = images ?? RegistryImageSbomSource.TryCreate(options.Registry, stderr, out sourceError);
            if (source is null)
            {
                await stderr.WriteLineAsync($"verify: {sourceError}").ConfigureAwait(false);
                return ExitUsage;
            }

            using var owned = images is null ? source as IDisposable : null;
            var fetched = await source.FetchAsync(options.Target, cancellationToken).ConfigureAwait(false);
            if (fetched.LocalError is { } local)
            {
                await stderr.WriteLineAsync(local).ConfigureAwait(false);
                return ExitUsage;
            }

            if (fetched.Failure is { } failed)
            {
                await stderr.WriteLineAsync($"{failed.Reason}: {failed.Message}").ConfigureAwait(false);
                return failed.Passed ? ExitPassed : ExitPolicyFailed;
            }

            sbom = fetched.Sbom ?? SbomOutcome<AuditData>.Fail(SbomError.NoAuditData, "The image source returned no SBOM outcome.");
            image = fetched.Image;
        }

        var result = SbomPolicyEvaluator.Evaluate(options.Policy, sbom, image);
        await WriteOutputAsync(options.Output, sbom, result, stdout).ConfigureAwait(false);
        await stderr.WriteLineAsync($"{result.Reason}: {result.Message}").ConfigureAwait(false);
        return result.Passed ? ExitPassed : ExitPolicyFailed;
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
            case OutputFormat.Json:
                await stdout.WriteLineAsync(AuditableJsonWriter.Write(sbom.Value)).ConfigureAwait(false);
                break;
            case OutputFormat.CycloneDx:
                await stdout.WriteAsync(result.CycloneDxJson).ConfigureAwait(false);
                break;
            default:
                await stdout.WriteAsync(PackageTable.Render(sbom.Value)).ConfigureAwait(false);
                break;
        }
    }
}

using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Oci;
using TinyImage.Oci.Layers;
using TinyImage.Sbom;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Cli;

/// <summary>
/// <c>verify IMAGE-REF</c>: pulls the image with the registry client (credentials from <c>--creds</c> or
/// <c>--docker-config</c>, <c>--insecure</c>, <c>--ca</c>), extracts <c>/bin/NAME</c> (<c>--binary</c>, else the only entry
/// of <c>/bin</c>) and reads its SBOM, with layers written to <c>--temp-dir</c> (else <c>$TMPDIR</c>). Progress of layers over 1 MiB goes to stderr.
/// </summary>
internal sealed class RegistryImageSbomSource : IImageSbomSource, IDisposable
{
    private const long ProgressThreshold = 1024 * 1024;

    private readonly SocketsHttpHandler handler;
    private readonly RegistryClientOptions options;
    private readonly RegistryCredential? explicitCredential;
    private readonly string? binary;
    private readonly TextWriter progressOut;
    private readonly ScratchSpace scratch;

    private RegistryImageSbomSource(SocketsHttpHandler handler, RegistryClientOptions options, RegistryCredential? explicitCredential, string? binary, TextWriter progressOut, ScratchSpace scratch)
    {
        this.scratch = scratch;
        this.handler = handler;
        this.options = options;
        this.explicitCredential = explicitCredential;
        this.binary = binary;
        this.progressOut = progressOut;
    }

    /// <summary>Builds a source from the verb's options; null with <paramref name="error"/> when a file cannot be read.</summary>
    public static RegistryImageSbomSource? TryCreate(RegistryAccessOptions access, TextWriter progressOut, out string? error)
    {
        error = null;
        RegistryCredentials? credentials = null;
        X509Certificate2Collection? trust = null;
        try
        {
            if (access.DockerConfigPath is { } path)
            {
                credentials = RegistryCredentials.FromDockerConfigJson(File.ReadAllBytes(path));
            }

            if (access.CaPath is { } ca)
            {
                trust = RegistryHttpHandlers.LoadPemBundle(ca);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RegistryException or System.Security.Cryptography.CryptographicException)
        {
            error = e.Message;
            return null;
        }

        var options = new RegistryClientOptions { Insecure = access.Insecure, Credentials = credentials ?? RegistryCredentials.Anonymous, Outbound = access.Outbound };
        RegistryCredential? explicitCredential = null;
        if (access.Creds is { } creds)
        {
            var colon = creds.IndexOf(':', StringComparison.Ordinal);
            explicitCredential = new RegistryCredential(creds[..colon], creds[(colon + 1)..]);
        }

        var handler = RegistryHttpHandlers.Create(trust, access.Insecure, options.RequestTimeout, options.Outbound);
        return new RegistryImageSbomSource(handler, options, explicitCredential, access.Binary, progressOut, ScratchSpace.From(access.TempDirectory));
    }

    public async Task<ImageSbomFetch> FetchAsync(string reference, CancellationToken cancellationToken)
    {
        if (!ImageReference.TryParse(reference, out var image, out var parseError))
        {
            return Failed(VerificationReasons.ImageMalformed, $"{reference} is neither an existing file nor an image reference: {parseError}");
        }

        // --creds applies to the registry of the reference being verified.
        var clientOptions = explicitCredential is null ? options : options with { Credentials = RegistryCredentials.For(image.Registry, explicitCredential) };
        using var client = new RegistryClient(handler, disposeHandler: false, clientOptions, TimeProvider.System, NullLogger.Instance);
        try
        {
            var manifest = await client.GetManifestAsync(image, cancellationToken).ConfigureAwait(false);
            var inspector = new ImageInspector(client, LayerLimits.Default, scratch);
            var progress = new StderrProgress(progressOut);
            await using var inspection = await inspector.InspectAsync(manifest, binary, progress, cancellationToken).ConfigureAwait(false);
            var sbom = AuditDataReader.Read(inspection.Binary);
            var repository = $"{image.Registry}/{image.Repository}";
            var facts = new ImageFacts(repository, manifest.Digest, inspection.CompressedSize, inspection.LayerCount, inspection.OtherFiles);
            await progressOut.WriteLineAsync($"{repository}@{manifest.Digest}: {inspection.LayerCount} layer(s), {inspection.CompressedSize.ToString(CultureInfo.InvariantCulture)} bytes, binary {inspection.BinaryPath}").ConfigureAwait(false);
            return new ImageSbomFetch(sbom, facts, null);
        }
        catch (RegistryException e)
        {
            var reason = RegistryFailureReasons.Of(e);
            return Failed(reason, e.Message);
        }
        catch (ImageLayerException e)
        {
            var reason = RegistryFailureReasons.Of(e);
            return Failed(reason, e.Message);
        }
        catch (ScratchSpaceException e)
        {
            return new ImageSbomFetch(null, null, null) { LocalError = e.Message };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reading the extracted binary back from the scratch directory.
            return new ImageSbomFetch(null, null, null) { LocalError = scratch.Failure("read from", e).Message };
        }
    }

    public void Dispose() => handler.Dispose();

    private static ImageSbomFetch Failed(string reason, string message) =>
        new(null, null, new VerificationResult(false, reason, message, null, null, null, null));

    /// <summary>Writes a line per quarter of each layer larger than 1 MiB.</summary>
    private sealed class StderrProgress(TextWriter output) : IProgress<ImageInspector.BlobProgress>
    {
        private readonly Dictionary<string, int> reported = new(StringComparer.Ordinal);

        public void Report(ImageInspector.BlobProgress value)
        {
            if (value.TotalBytes < ProgressThreshold || value.TotalBytes <= 0)
            {
                return;
            }

            var quarter = (int)(value.BytesDone * 4 / value.TotalBytes);
            lock (reported)
            {
                if (reported.TryGetValue(value.Digest, out var last) && last >= quarter)
                {
                    return;
                }

                reported[value.Digest] = quarter;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pulling {value.Digest[..19]}: {value.BytesDone / 1024} of {value.TotalBytes / 1024} KiB ({quarter * 25}%)"));
        }
    }
}

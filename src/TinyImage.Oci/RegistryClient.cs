using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace TinyImage.Oci;

/// <summary>
/// A client for the OCI distribution API (<c>/v2/</c>): manifests and blobs, pull and push. Authentication is
/// anonymous, Basic, or the Bearer token flow driven by <c>WWW-Authenticate</c> challenges (tokens cached per scope).
/// Every manifest and blob is checked against its digest; 429 and 5xx are retried with exponential backoff honouring
/// <c>Retry-After</c>; redirects are followed by hand and the Authorization header goes only to the registry's own host.
/// Every hop (registry, redirect target, token realm) is checked against <see cref="RegistryClientOptions.Outbound"/>;
/// a token realm must be HTTPS unless the registry is allowed insecure, and Basic credentials go to a realm on another
/// host only when that host is on the allow-list. Failures are <see cref="RegistryException"/> with a
/// <see cref="RegistryErrorKind"/>; their messages carry status codes, fixed reasons and the registry's error codes,
/// never a response body.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private const int MaxErrorBodyBytes = 4096;

    /// <summary>Docker Hub's token realm: on another host than its API, and the one such pair trusted without the allow-list.</summary>
    private const string DockerHubRealmHost = "auth.docker.io";
    private const long MaxTokenResponseBytes = 1024 * 1024;

    private readonly HttpClient http;
    private readonly RegistryClientOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly TokenCache tokens;
    private readonly ConcurrentDictionary<string, AuthChallenge> challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> schemes = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="handler">The transport, normally from <see cref="RegistryHttpHandlers.Create"/> (automatic redirects off).</param>
    /// <param name="disposeHandler">Whether disposing this client disposes <paramref name="handler"/>.</param>
    /// <param name="options">Credentials, limits, retries.</param>
    /// <param name="time">The clock for token expiry and backoff.</param>
    /// <param name="logger">Where retries and fallbacks are logged.</param>
    public RegistryClient(HttpMessageHandler handler, bool disposeHandler, RegistryClientOptions options, TimeProvider time, ILogger logger)
    {
        http = new HttpClient(handler, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan };
        this.options = options;
        this.time = time;
        this.logger = logger;
        tokens = new TokenCache(time);
    }

    public RegistryClientOptions Options => options;

    public void Dispose() => http.Dispose();

    /// <summary>
    /// Fetches the manifest <paramref name="image"/> names, verifies its digest, and when it is an index or manifest
    /// list, picks the configured platform's manifest and fetches that (verified against the index entry).
    /// </summary>
    public async Task<ResolvedManifest> GetManifestAsync(ImageReference image, CancellationToken cancellationToken)
    {
        var (bytes, digest, mediaType) = await FetchManifestBytesAsync(image, image.Reference, image.Digest, cancellationToken).ConfigureAwait(false);
        if (OciMediaTypes.IsIndex(mediaType))
        {
            var index = Deserialize(bytes, RegistryJsonContext.Default.OciIndex, "image index");
            var chosen = ChoosePlatform(index, image);
            var (childBytes, childDigest, childType) = await FetchManifestBytesAsync(image, chosen.Digest!, chosen.Digest, cancellationToken).ConfigureAwait(false);
            if (childBytes.Length != chosen.Size)
            {
                throw new RegistryException(RegistryErrorKind.DigestMismatch, $"Manifest {childDigest} is {childBytes.Length} bytes; the index says {chosen.Size}.");
            }

            if (!OciMediaTypes.IsManifest(childType))
            {
                throw new RegistryException(RegistryErrorKind.Malformed, $"The index entry {childDigest} of {image} is a '{UntrustedText.Quote(childType)}', not an image manifest.");
            }

            return new ResolvedManifest(image.WithDigest(childDigest), childDigest, childType, ParseManifest(childBytes, image), digest);
        }

        if (!OciMediaTypes.IsManifest(mediaType))
        {
            throw new RegistryException(RegistryErrorKind.Malformed, $"{image} has the unsupported manifest media type '{UntrustedText.Quote(mediaType)}'.");
        }

        return new ResolvedManifest(image.WithDigest(digest), digest, mediaType, ParseManifest(bytes, image), null);
    }

    /// <summary>
    /// Opens a blob as a <see cref="DigestVerifyingStream"/>: it throws <see cref="RegistryErrorKind.DigestMismatch"/>
    /// at end of stream when the bytes do not match <paramref name="descriptor"/>. Nothing read from it may be trusted
    /// before the end-of-stream read returned; prefer <see cref="DownloadBlobAsync"/>.
    /// </summary>
    public async Task<DigestVerifyingStream> OpenBlobAsync(ImageReference image, OciDescriptor descriptor, long maxBytes, CancellationToken cancellationToken)
    {
        Digests.Require(descriptor.Digest, "A blob descriptor");
        if (descriptor.Size < 0)
        {
            throw new RegistryException(RegistryErrorKind.Malformed, $"Blob {descriptor.Digest} has a negative size.");
        }

        if (descriptor.Size > maxBytes)
        {
            throw new RegistryException(RegistryErrorKind.TooLarge, $"Blob {descriptor.Digest} is {descriptor.Size} bytes, over the limit of {maxBytes}.");
        }

        var timeout = new CancellationTokenSource(options.BlobTimeout, time);
        HttpResponseMessage? response = null;
        try
        {
            response = await SendAsync(new Call(HttpMethod.Get, image, $"/blobs/{descriptor.Digest}", Push: false), cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, $"blob {descriptor.Digest} of {image.Registry}/{image.Repository}", cancellationToken).ConfigureAwait(false);
            if (response.Content.Headers.ContentLength is { } length && length != descriptor.Size)
            {
                throw new RegistryException(RegistryErrorKind.DigestMismatch, $"Blob {descriptor.Digest} is served with {length} bytes; its descriptor says {descriptor.Size}.");
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var owned = response;
            timeout.Token.Register(static r => ((IDisposable)r!).Dispose(), owned);
            response = null;
            var stream = new DigestVerifyingStream(body, descriptor.Digest!, descriptor.Size, owned, timeout);
            timeout = null;
            return stream;
        }
        finally
        {
            response?.Dispose();
            timeout?.Dispose();
        }
    }

    /// <summary>
    /// Streams a blob into <paramref name="destination"/>, verifying size and digest. When this returns, the bytes in
    /// <paramref name="destination"/> are the blob; when it throws, they must be discarded. The blob is never held in memory whole.
    /// </summary>
    public async Task DownloadBlobAsync(ImageReference image, OciDescriptor descriptor, Stream destination, long maxBytes, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using var source = await OpenBlobAsync(image, descriptor, maxBytes, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[81920];
        int n;
        while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            progress?.Report(source.BytesRead);
        }

        if (!source.Verified)
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, $"Blob {descriptor.Digest} was not verified.");
        }
    }

    /// <summary>Reads a small blob (the config) into memory, verified, up to <paramref name="maxBytes"/>.</summary>
    public async Task<byte[]> GetSmallBlobAsync(ImageReference image, OciDescriptor descriptor, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await DownloadBlobAsync(image, descriptor, buffer, maxBytes, null, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>True when the repository already holds the blob.</summary>
    public async Task<bool> BlobExistsAsync(ImageReference image, string digest, CancellationToken cancellationToken)
    {
        Digests.Require(digest, "A blob");
        using var response = await SendAsync(new Call(HttpMethod.Head, image, $"/blobs/{digest}", Push: true), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, $"blob {digest}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Uploads a blob (monolithic: POST an upload session, then PUT with the digest) unless it exists.
    /// <paramref name="content"/> must be seekable so a retried PUT can send it again.
    /// </summary>
    public async Task PushBlobAsync(ImageReference image, Stream content, string digest, CancellationToken cancellationToken)
    {
        Digests.Require(digest, "A pushed blob");
        if (!content.CanSeek)
        {
            throw new ArgumentException("The blob content must be seekable.", nameof(content));
        }

        if (await BlobExistsAsync(image, digest, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        Uri location;
        using (var start = await SendAsync(new Call(HttpMethod.Post, image, "/blobs/uploads/", Push: true), cancellationToken).ConfigureAwait(false))
        {
            await EnsureSuccessAsync(start, $"upload of {digest}", cancellationToken).ConfigureAwait(false);
            location = start.Headers.Location
                ?? throw new RegistryException(RegistryErrorKind.Malformed, "The registry started an upload without a Location header.");
        }

        var origin = content.Position;
        var call = new Call(HttpMethod.Put, image, string.Empty, Push: true)
        {
            Location = location,
            Query = "digest=" + Uri.EscapeDataString(digest),
            Content = () =>
            {
                content.Position = origin;
                var body = new StreamContent(new NonDisposingStream(content));
                body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                body.Headers.ContentLength = content.Length - origin;
                return body;
            },
        };
        using var put = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(put, $"upload of {digest}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts a manifest under a tag (or its digest) and returns its digest.</summary>
    public async Task<string> PushManifestAsync(ImageReference image, string tagOrDigest, byte[] manifest, string mediaType, CancellationToken cancellationToken)
    {
        var digest = Digests.Compute(manifest);
        var call = new Call(HttpMethod.Put, image, $"/manifests/{tagOrDigest}", Push: true)
        {
            Content = () =>
            {
                var body = new ByteArrayContent(manifest);
                body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return body;
            },
        };
        using var response = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"manifest {image.Repository}:{tagOrDigest}", cancellationToken).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } served && served != digest)
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, $"The registry stored the manifest as {UntrustedText.Quote(served)}; its bytes hash to {digest}.");
        }

        return digest;
    }

    /// <summary>
    /// The digest a tag names now, from a manifest HEAD's <c>Docker-Content-Digest</c> (a HEAD costs no pull on Docker Hub's
    /// rate limit); when the registry sends no valid digest header, the manifest is fetched and hashed instead. The digest
    /// is the top-level one (an index's for a multi-platform image): pulling <c>NAME@DIGEST</c> then checks every byte.
    /// </summary>
    public async Task<string> ResolveDigestAsync(ImageReference image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Digest is { } pinned)
        {
            return pinned;
        }

        var call = new Call(HttpMethod.Head, image, $"/manifests/{image.Reference}", Push: false) { Accept = OciMediaTypes.ManifestAccept };
        using (var response = await SendAsync(call, cancellationToken).ConfigureAwait(false))
        {
            await EnsureSuccessAsync(response, $"manifest {image.Registry}/{image.Repository}:{image.Reference}", cancellationToken).ConfigureAwait(false);
            if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } served && Digests.IsValid(served))
            {
                return served;
            }
        }

        var (_, digest, _) = await FetchManifestBytesAsync(image, image.Reference, null, cancellationToken).ConfigureAwait(false);
        return digest;
    }

    private async Task<(byte[] Bytes, string Digest, string MediaType)> FetchManifestBytesAsync(ImageReference image, string reference, string? expectedDigest, CancellationToken cancellationToken)
    {
        var call = new Call(HttpMethod.Get, image, $"/manifests/{reference}", Push: false) { Accept = OciMediaTypes.ManifestAccept };
        using var response = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"manifest {image.Registry}/{image.Repository}:{reference}", cancellationToken).ConfigureAwait(false);
        var bytes = await ReadBoundedAsync(response, options.MaxManifestBytes, $"The manifest of {image}", cancellationToken).ConfigureAwait(false);
        var digest = Digests.Compute(bytes);
        if (expectedDigest is not null && digest != expectedDigest)
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, $"The manifest served for {expectedDigest} hashes to {digest}.");
        }

        if (expectedDigest is null && response.Headers.TryGetValues("Docker-Content-Digest", out var values)
            && values.FirstOrDefault() is { } served && Digests.IsValid(served) && served != digest)
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, $"The registry says the manifest of {image} is {served}; its bytes hash to {digest}.");
        }

        return (bytes, digest, DetectMediaType(bytes, response.Content.Headers.ContentType?.MediaType, image));
    }

    private static string DetectMediaType(byte[] bytes, string? contentType, ImageReference image)
    {
        var probe = Deserialize(bytes, RegistryJsonContext.Default.OciMediaTypeProbe, "manifest");
        if (probe.SchemaVersion != 2)
        {
            throw new RegistryException(RegistryErrorKind.Malformed, $"The manifest of {image} has schemaVersion {probe.SchemaVersion}; only 2 is supported.");
        }

        if (!string.IsNullOrEmpty(probe.MediaType))
        {
            return probe.MediaType;
        }

        if (OciMediaTypes.IsIndex(contentType) || OciMediaTypes.IsManifest(contentType))
        {
            return contentType!;
        }

        // The OCI spec makes mediaType optional: tell an index from a manifest by its fields.
        return probe.Manifests is not null ? OciMediaTypes.OciIndex
            : probe.Layers is not null ? OciMediaTypes.OciManifest
            : throw new RegistryException(RegistryErrorKind.Malformed, $"The manifest of {image} is neither an image manifest nor an index.");
    }

    private OciDescriptor ChoosePlatform(OciIndex index, ImageReference image)
    {
        var wanted = options.Platform;
        var match = index.Manifests?.FirstOrDefault(d =>
            d.Platform is { } p
            && string.Equals(p.Os, wanted.Os, StringComparison.Ordinal)
            && string.Equals(p.Architecture, wanted.Architecture, StringComparison.Ordinal)
            && (wanted.Variant is null || string.Equals(p.Variant, wanted.Variant, StringComparison.Ordinal)));
        if (match is null)
        {
            throw new RegistryException(RegistryErrorKind.NotFound, $"{image} has no manifest for {wanted.Os}/{wanted.Architecture}{(wanted.Variant is null ? string.Empty : "/" + wanted.Variant)}.");
        }

        Digests.Require(match.Digest, "An index entry");
        if (match.Size < 0 || match.Size > options.MaxManifestBytes)
        {
            throw new RegistryException(RegistryErrorKind.TooLarge, $"The index entry {match.Digest} declares {match.Size} bytes.");
        }

        return match;
    }

    private static OciManifest ParseManifest(byte[] bytes, ImageReference image)
    {
        var manifest = Deserialize(bytes, RegistryJsonContext.Default.OciManifest, "image manifest");
        if (manifest.Config is null || manifest.Layers is null)
        {
            throw new RegistryException(RegistryErrorKind.Malformed, $"The manifest of {image} lacks 'config' or 'layers'.");
        }

        Digests.Require(manifest.Config.Digest, "The config");
        if (manifest.Config.Size < 0)
        {
            throw new RegistryException(RegistryErrorKind.Malformed, $"The config of {image} has a negative size.");
        }

        foreach (var layer in manifest.Layers)
        {
            Digests.Require(layer.Digest, "A layer");
            if (layer.Size < 0)
            {
                throw new RegistryException(RegistryErrorKind.Malformed, $"Layer {layer.Digest} has a negative size.");
            }

            if (!OciMediaTypes.IsLayer(layer.MediaType))
            {
                throw new RegistryException(RegistryErrorKind.Malformed, $"Layer {layer.Digest} has the unsupported media type '{UntrustedText.Quote(layer.MediaType)}' (foreign and non-distributable layers are refused).");
            }
        }

        return manifest;
    }

    private static T Deserialize<T>(byte[] bytes, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, type)
                ?? throw new RegistryException(RegistryErrorKind.Malformed, $"The {what} is JSON null.");
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Malformed, $"The {what} is not valid JSON: {UntrustedText.Quote(e.Message, 160)}", e);
        }
    }

    private sealed record Call(HttpMethod Method, ImageReference Image, string PathSuffix, bool Push)
    {
        public IReadOnlyList<string> Accept { get; init; } = [];

        public Func<HttpContent>? Content { get; init; }

        /// <summary>An absolute or relative URL the registry gave (an upload session), instead of a path.</summary>
        public Uri? Location { get; init; }

        public string? Query { get; init; }

        public string Scope => $"repository:{Image.Repository}:{(Push ? "pull,push" : "pull")}";
    }

    private Uri BaseUri(string host) => new($"{schemes.GetValueOrDefault(host, "https")}://{host}");

    private async Task<HttpResponseMessage> SendAsync(Call call, CancellationToken cancellationToken)
    {
        var host = RegistryHosts.ApiHost(call.Image.Registry);
        Uri MakeUri()
        {
            var uri = call.Location is { IsAbsoluteUri: true } abs ? abs
                : call.Location is { } rel ? new Uri(BaseUri(host), rel)
                : new Uri(BaseUri(host), $"/v2/{call.Image.Repository}{call.PathSuffix}");
            if (call.Query is null)
            {
                return uri;
            }

            var builder = new UriBuilder(uri);
            builder.Query = string.IsNullOrEmpty(builder.Query) ? call.Query : builder.Query.TrimStart('?') + "&" + call.Query;
            return builder.Uri;
        }

        var uri = MakeUri();
        var method = call.Method;
        var sendContent = true;
        var authRetried = false;
        var redirects = 0;
        while (true)
        {
            Guard(uri, redirects == 0 ? "the registry" : "a redirect target");
            var registryAuthority = BaseUri(host).Authority;
            var sameHost = string.Equals(uri.Authority, registryAuthority, StringComparison.OrdinalIgnoreCase);
            var authorization = sameHost ? await GetAuthorizationAsync(host, call.Scope, force: false, cancellationToken).ConfigureAwait(false) : null;
            HttpResponseMessage response;
            try
            {
                var requestUri = uri;
                var requestMethod = method;
                var withContent = sendContent;
                response = await SendTransientAsync(
                    host,
                    () =>
                    {
                        var request = new HttpRequestMessage(requestMethod, requestUri);
                        request.Headers.UserAgent.ParseAdd(options.UserAgent);
                        foreach (var accept in call.Accept)
                        {
                            request.Headers.Accept.ParseAdd(accept);
                        }

                        if (authorization is not null)
                        {
                            request.Headers.Authorization = authorization;
                        }

                        if (withContent && call.Content is not null)
                        {
                            request.Content = call.Content();
                        }

                        return request;
                    },
                    options.RequestTimeout,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (IsTlsFailure(e) && options.Insecure && sameHost && uri.Scheme == Uri.UriSchemeHttps)
            {
                RegistryLog.FallingBackToHttp(logger, host);
                schemes[host] = Uri.UriSchemeHttp;
                uri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttp, Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri;
                continue;
            }
            catch (HttpRequestException e)
            {
                var what = IsTlsFailure(e) ? "TLS handshake failed (certificate not trusted? pass a CA bundle)" : "the request failed";
                throw new RegistryException(RegistryErrorKind.Unavailable, $"{uri.Authority}: {what}: {e.Message}", e);
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized && sameHost && !authRetried)
            {
                authRetried = true;
                var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
                response.Dispose();
                if (challenge is null || !(challenge.IsBasic || challenge.IsBearer))
                {
                    throw new RegistryException(RegistryErrorKind.Unauthorized, $"{host} refused the request without a usable WWW-Authenticate challenge.");
                }

                challenges[host] = challenge;
                tokens.Remove(host, call.Scope);
                if (challenge.IsBasic && options.Credentials.Find(call.Image.Registry) is null)
                {
                    throw new RegistryException(RegistryErrorKind.Unauthorized, $"{host} requires credentials (Basic) and none are configured for it.");
                }

                continue;
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var detail = await DescribeErrorAsync(response, cancellationToken).ConfigureAwait(false);
                response.Dispose();
                throw new RegistryException(RegistryErrorKind.Unauthorized, $"{uri.Authority} answered {detail} for {call.Scope}.");
            }

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (++redirects > options.MaxRedirects)
                {
                    throw new RegistryException(RegistryErrorKind.Unavailable, $"More than {options.MaxRedirects} redirects for {call.Image}.");
                }

                var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp)
                {
                    throw new RegistryException(RegistryErrorKind.Malformed, $"Redirect to the unsupported URL scheme '{UntrustedText.Quote(next.Scheme)}'.");
                }

                if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
                {
                    throw new RegistryException(RegistryErrorKind.Malformed, $"Refusing a redirect from HTTPS to plain HTTP ({UntrustedText.Quote(next.Authority)}).");
                }

                if (response.StatusCode == HttpStatusCode.SeeOther)
                {
                    method = method == HttpMethod.Head ? HttpMethod.Head : HttpMethod.Get;
                    sendContent = false;
                }

                RegistryLog.Redirect(logger, uri.Authority, next.Authority, string.Equals(next.Authority, registryAuthority, StringComparison.OrdinalIgnoreCase));
                uri = next;
                continue;
            }

            return response;
        }
    }

    private async Task<AuthenticationHeaderValue?> GetAuthorizationAsync(string host, string scope, bool force, CancellationToken cancellationToken)
    {
        if (!challenges.TryGetValue(host, out var challenge))
        {
            return null;
        }

        var credential = options.Credentials.Find(host);
        if (challenge.IsBasic)
        {
            return credential is null ? null : Basic(credential);
        }

        if (!force && tokens.Get(host, scope) is { } cached)
        {
            return new AuthenticationHeaderValue("Bearer", cached);
        }

        var token = await FetchTokenAsync(host, challenge, scope, RealmMayReceive(host, challenge, credential), cancellationToken).ConfigureAwait(false);
        return new AuthenticationHeaderValue("Bearer", token);
    }

    private async Task<string> FetchTokenAsync(string host, AuthChallenge challenge, string scope, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var realm = ParseRealm(host, challenge);

        var query = new StringBuilder();
        if (!string.IsNullOrEmpty(challenge.Service))
        {
            query.Append("service=").Append(Uri.EscapeDataString(challenge.Service));
        }

        query.Append(query.Length > 0 ? "&" : string.Empty).Append("scope=").Append(Uri.EscapeDataString(scope));
        var builder = new UriBuilder(realm);
        builder.Query = string.IsNullOrEmpty(builder.Query) ? query.ToString() : builder.Query.TrimStart('?') + "&" + query;
        RegistryLog.FetchingToken(logger, realm.GetLeftPart(UriPartial.Path), scope);

        HttpResponseMessage response;
        try
        {
            response = await SendTransientAsync(
                realm.Authority,
                () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
                    request.Headers.UserAgent.ParseAdd(options.UserAgent);
                    if (credential is not null)
                    {
                        request.Headers.Authorization = Basic(credential);
                    }

                    return request;
                },
                options.RequestTimeout,
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException(RegistryErrorKind.Unavailable, $"The token endpoint {UntrustedText.Quote(realm.Authority)} failed: {e.Message}", e);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var who = credential is not null ? "the credentials of " + credential.Username
                    : options.Credentials.Find(host) is not null ? $"anonymous access (the credentials for {host} are not sent to a realm on another host; add {UntrustedText.Quote(realm.Host)} to the registry allow-list to send them)"
                    : "anonymous access";
                throw new RegistryException(RegistryErrorKind.Unauthorized, $"The token endpoint {UntrustedText.Quote(realm.Authority)} refused {who} for {scope}.");
            }

            await EnsureSuccessAsync(response, "token", cancellationToken).ConfigureAwait(false);
            var bytes = await ReadBoundedAsync(response, MaxTokenResponseBytes, "The token response", cancellationToken).ConfigureAwait(false);
            var parsed = Deserialize(bytes, RegistryJsonContext.Default.RegistryTokenResponse, "token response");
            var token = !string.IsNullOrEmpty(parsed.Token) ? parsed.Token : parsed.AccessToken;
            if (string.IsNullOrEmpty(token))
            {
                throw new RegistryException(RegistryErrorKind.Unauthorized, $"The token endpoint {UntrustedText.Quote(realm.Authority)} returned no token.");
            }

            tokens.Put(host, scope, token, parsed.ExpiresIn is { } s ? TimeSpan.FromSeconds(s) : null);
            return token;
        }
    }

    /// <summary>Sends with retries on network errors, timeouts, 429 and 5xx; returns any other response.</summary>
    private async Task<HttpResponseMessage> SendTransientAsync(string host, Func<HttpRequestMessage> build, TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = build();
            HttpResponseMessage? response = null;
            string? error = null;
            Exception? failure = null;
            using (var timer = new CancellationTokenSource(timeout, time))
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token))
            {
                try
                {
                    response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
                }
                catch (HttpRequestException e) when (e.InnerException is OutboundRefusedException refused)
                {
                    throw new RegistryException(RegistryErrorKind.DestinationRefused, Refused(refused.Host, refused.Reason), e);
                }
                catch (HttpRequestException e) when (!IsTlsFailure(e))
                {
                    error = e.Message;
                    failure = e;
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    error = $"no answer within {timeout.TotalSeconds:0.#} s";
                    failure = e;
                }
            }

            if (response is not null && !IsTransient(response.StatusCode))
            {
                return response;
            }

            if (attempt >= options.MaxRetries)
            {
                var what = response is null ? error : $"HTTP {(int)response.StatusCode}";
                response?.Dispose();
                throw new RegistryException(RegistryErrorKind.Unavailable, $"{host} is unavailable after {attempt + 1} attempts: {what}.", failure);
            }

            var delay = RetryDelay(response, attempt);
            if (response is not null)
            {
                RegistryLog.Retrying(logger, host, (int)response.StatusCode, attempt + 1, options.MaxRetries, (long)delay.TotalMilliseconds);
                response.Dispose();
            }
            else
            {
                RegistryLog.RetryingAfterError(logger, host, error ?? "error", attempt + 1, options.MaxRetries, (long)delay.TotalMilliseconds);
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>Retry-After</c> (seconds or a date) when given, else exponential backoff; never more than MaxBackoff.</summary>
    private TimeSpan RetryDelay(HttpResponseMessage? response, int attempt)
    {
        TimeSpan delay;
        if (response?.Headers.RetryAfter is { Delta: { } delta })
        {
            delay = delta;
        }
        else if (response?.Headers.RetryAfter is { Date: { } date })
        {
            delay = date - time.GetUtcNow();
        }
        else
        {
            delay = options.InitialBackoff * Math.Pow(2, attempt);
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > options.MaxBackoff ? options.MaxBackoff : delay;
    }

    private static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool IsTlsFailure(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.SecureConnectionError || e.InnerException is AuthenticationException;

    private static AuthenticationHeaderValue Basic(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password)));

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await DescribeErrorAsync(response, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var kind = response.StatusCode switch
        {
            HttpStatusCode.NotFound => RegistryErrorKind.NotFound,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => RegistryErrorKind.Unauthorized,
            HttpStatusCode.RequestEntityTooLarge => RegistryErrorKind.TooLarge,
            _ when status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests => RegistryErrorKind.Unavailable,
            _ => RegistryErrorKind.Malformed,
        };
        throw new RegistryException(kind, $"The registry answered {detail} for {what}.");
    }

    /// <summary>
    /// "404 Not Found (registry error MANIFEST_UNKNOWN)": the status code, its standard name, and the codes of the
    /// distribution spec's <c>errors[].code</c> when the body carries them. The body's free text (messages, details, HTML)
    /// never appears: it is the registry's to write, and it would land in a tenant-visible status.
    /// </summary>
    private async Task<string> DescribeErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var name = Enum.IsDefined(response.StatusCode) ? " " + SplitWords(response.StatusCode.ToString()) : string.Empty;
        var codes = await ReadErrorCodesAsync(response, cancellationToken).ConfigureAwait(false);
        return codes.Count == 0 ? $"{status}{name}" : $"{status}{name} (registry error {string.Join(", ", codes)})";
    }

    /// <summary>The error codes of an error body: at most 4 KiB read, within <see cref="RegistryClientOptions.RequestTimeout"/>; a body that does not arrive in time has none.</summary>
    private async Task<IReadOnlyList<string>> ReadErrorCodesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(options.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var buffer = new byte[MaxErrorBodyBytes];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(total), linked.Token).ConfigureAwait(false)) > 0)
            {
                total += n;
            }

            var parsed = JsonSerializer.Deserialize(buffer.AsSpan(0, total), RegistryJsonContext.Default.RegistryErrorResponse);
            return parsed?.Errors is { } errors
                ? [.. errors.Select(e => e?.Code).Where(UntrustedText.IsErrorCode).Distinct(StringComparer.Ordinal).Take(3).Cast<string>()]
                : [];
        }
        catch (Exception e) when (e is IOException or JsonException or HttpRequestException
            || (e is OperationCanceledException && timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            return [];
        }
    }

    /// <summary>"NotFound" to "Not Found".</summary>
    private static string SplitWords(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(c);
        }

        return text.ToString();
    }

    /// <summary>Refuses a hop the outbound policy denies by its literal address (a name is checked again on its resolved addresses at connect time).</summary>
    private void Guard(Uri uri, string what)
    {
        if (options.Outbound.RefusalBeforeResolving(uri.Host) is { } reason)
        {
            throw new RegistryException(RegistryErrorKind.DestinationRefused, Refused(uri.Host, reason) + $" (as {what})");
        }
    }

    private static string Refused(string host, string reason) =>
        $"The operator does not connect to {UntrustedText.Quote(host)}: {reason}; an admin may allow it with the registry allow-list (--registry-allow, chart value registry.allow).";

    /// <summary>The realm of a Bearer challenge: an absolute URL, HTTPS unless the registry is allowed insecure, on an allowed address.</summary>
    private Uri ParseRealm(string host, AuthChallenge challenge)
    {
        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
        {
            throw new RegistryException(RegistryErrorKind.Unauthorized, $"{host} sent a Bearer challenge with an invalid realm '{UntrustedText.Quote(challenge.Realm)}'.");
        }

        if (realm.Scheme != Uri.UriSchemeHttps && !options.Insecure)
        {
            throw new RegistryException(RegistryErrorKind.DestinationRefused, $"{host} names a token realm over plain HTTP ({UntrustedText.Quote(realm.Authority)}); realms must be HTTPS unless the registry is allowed insecure.");
        }

        Guard(realm, "the token realm");
        return realm;
    }

    /// <summary>
    /// The credential the realm may receive: all of it when the realm is on the registry's own host (any port), on the
    /// allow-list by name, or Docker Hub's auth.docker.io for Docker Hub; otherwise none (the token is asked for anonymously),
    /// so a registry cannot point the Basic credentials of its users at a host of its choosing.
    /// </summary>
    private RegistryCredential? RealmMayReceive(string host, AuthChallenge challenge, RegistryCredential? credential)
    {
        if (credential is null || !Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm))
        {
            return credential;
        }

        var registryHost = BaseUri(host).Host;
        var trusted = string.Equals(realm.Host, registryHost, StringComparison.OrdinalIgnoreCase)
            || options.Outbound.AllowsHost(realm.Host)
            || (string.Equals(realm.Host, DockerHubRealmHost, StringComparison.OrdinalIgnoreCase) && RegistryHosts.CredentialKey(host) == RegistryHosts.DockerHubCredentialKey);
        if (!trusted)
        {
            RegistryLog.CredentialsWithheldFromRealm(logger, host, realm.Host);
        }

        return trusted ? credential : null;
    }

    /// <summary>
    /// Reads a body into memory, refusing more than <paramref name="max"/> bytes (Content-Length checked first). The whole body
    /// must arrive within <see cref="RegistryClientOptions.RequestTimeout"/> (on the injected clock): a registry that sends its
    /// headers and then trickles the body is cut off, not waited for.
    /// </summary>
    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, long max, string what, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } length && length > max)
        {
            throw new RegistryException(RegistryErrorKind.TooLarge, $"{what} is {length} bytes, over the limit of {max}.");
        }

        using var timer = new CancellationTokenSource(options.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        using var buffer = new MemoryStream();
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var chunk = new byte[16384];
            int n;
            while ((n = await body.ReadAsync(chunk, linked.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > max)
                {
                    throw new RegistryException(RegistryErrorKind.TooLarge, $"{what} exceeds the limit of {max} bytes.");
                }

                buffer.Write(chunk, 0, n);
            }
        }
        catch (Exception e) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            throw new RegistryException(RegistryErrorKind.Unavailable, $"{what} did not arrive within {options.RequestTimeout.TotalSeconds:0.#} s ({buffer.Length} bytes read).", e);
        }
        catch (IOException e)
        {
            throw new RegistryException(RegistryErrorKind.Unavailable, $"The connection broke while reading {what}: {e.Message}", e);
        }

        return buffer.ToArray();
    }

    /// <summary>Lets <see cref="StreamContent"/> send a caller's stream without disposing it (a retry sends it again).</summary>
    private sealed class NonDisposingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

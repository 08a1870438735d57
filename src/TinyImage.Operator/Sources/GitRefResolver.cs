using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TinyImage.Oci;

namespace TinyImage.Operator.Sources;

/// <summary>
/// Resolves a branch, a tag or HEAD of a git repository to a commit over the smart-HTTP protocol: one
/// <c>GET REPO/info/refs?service=git-upload-pack</c>, the ref advertisement parsed by <see cref="PktLine"/>. Basic auth
/// when a credential is given; no redirect is followed (a moved repository is reported with its new address); the
/// response is capped in size and time. Connections go through the handler given, which in the operator opens them
/// through <see cref="OutboundPolicy.ConnectAsync"/>, so a git host on a denied address is refused like a registry.
/// Expected failures are results, never exceptions.
/// </summary>
internal sealed class GitRefResolver : IDisposable
{
    public const string AdvertisementContentType = "application/x-git-upload-pack-advertisement";

    private readonly HttpClient client;
    private readonly GitResolverOptions options;
    private readonly TimeProvider time;

    public GitRefResolver(HttpMessageHandler handler, GitResolverOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(handler);
        client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        this.options = options;
        this.time = time;
    }

    /// <summary>A handler for git hosts with the registries' rules: no redirects, the outbound policy, an optional extra CA.</summary>
    public static SocketsHttpHandler CreateHandler(OutboundPolicy outbound, System.Security.Cryptography.X509Certificates.X509Certificate2Collection? extraTrust = null) =>
        RegistryHttpHandlers.Create(extraTrust, insecure: false, TimeSpan.FromSeconds(10), outbound);

    /// <summary>The full ref name to resolve: <c>refs/heads/BRANCH</c>, <c>refs/tags/TAG</c>, or <c>HEAD</c> for the default branch.</summary>
    public static string RefName(string? branch, string? tag) =>
        branch is not null ? "refs/heads/" + branch : tag is not null ? "refs/tags/" + tag : "HEAD";

    /// <summary>Resolves <paramref name="refName"/> (see <see cref="RefName"/>) in the repository at <paramref name="repositoryUrl"/>.</summary>
    public async Task<GitResolution> ResolveAsync(string repositoryUrl, string refName, GitCredential? credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repositoryUrl);
        ArgumentNullException.ThrowIfNull(refName);
        var advertised = await FetchAsync(repositoryUrl, credential, cancellationToken).ConfigureAwait(false);
        if (advertised.Error is { } error)
        {
            return error;
        }

        var refs = advertised.Refs!;
        if (refName == "HEAD")
        {
            return refs.Refs.TryGetValue("HEAD", out var head)
                ? GitResolution.Resolved(head, refs.HeadTarget)
                : GitResolution.Failed(GitResolveError.NotFound, repositoryUrl + " advertises no HEAD (an empty repository?)");
        }

        return refs.CommitOf(refName) is { } commit
            ? GitResolution.Resolved(commit, refName)
            : GitResolution.Failed(GitResolveError.NotFound, repositoryUrl + " has no " + refName);
    }

    public void Dispose() => client.Dispose();

    private async Task<(GitRefAdvertisement? Refs, GitResolution? Error)> FetchAsync(string repositoryUrl, GitCredential? credential, CancellationToken cancellationToken)
    {
        var url = repositoryUrl.TrimEnd('/') + "/info/refs?service=git-upload-pack";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.UserAgent.ParseAdd(options.UserAgent);
        request.Headers.Accept.ParseAdd(AdvertisementContentType);
        request.Headers.Add("Pragma", "no-cache");
        if (credential is not null)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", token);
        }

        using var deadline = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (Failure(repositoryUrl, response, credential is not null) is { } failure)
            {
                return (null, failure);
            }

            var declared = response.Content.Headers.ContentLength;
            if (declared > options.MaxResponseBytes)
            {
                return (null, GitResolution.Failed(GitResolveError.Protocol, $"{repositoryUrl}: the ref advertisement is {declared} bytes, over the limit of {options.MaxResponseBytes}"));
            }

            var body = await ReadCappedAsync(response.Content, linked.Token).ConfigureAwait(false);
            if (body is null)
            {
                return (null, GitResolution.Failed(GitResolveError.Protocol, $"{repositoryUrl}: the ref advertisement exceeds the limit of {options.MaxResponseBytes} bytes"));
            }

            return (PktLine.ParseAdvertisement(body), null);
        }
        catch (GitProtocolException e)
        {
            return (null, GitResolution.Failed(GitResolveError.Protocol, repositoryUrl + ": malformed ref advertisement: " + e.Message));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, GitResolution.Failed(GitResolveError.Unreachable, $"{repositoryUrl}: no complete answer within {options.Timeout.TotalSeconds:0} s"));
        }
        catch (HttpRequestException e) when (Refusal(e) is { } refused)
        {
            return (null, GitResolution.Failed(GitResolveError.Refused, repositoryUrl + ": " + refused.Message));
        }
        catch (HttpRequestException e)
        {
            return (null, GitResolution.Failed(GitResolveError.Unreachable, repositoryUrl + ": " + e.Message));
        }
    }

    private static GitResolution? Failure(string repositoryUrl, HttpResponseMessage response, bool withCredentials)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return GitResolution.Failed(GitResolveError.Unauthorized, $"{repositoryUrl} answered {status}: "
                + (withCredentials ? "the credentials Secret's username and password were refused" : "the repository needs credentials (spec.source.git.credentialsSecret)"));
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return GitResolution.Failed(GitResolveError.NotFound, repositoryUrl + " answered 404: no such repository");
        }

        if (status is >= 300 and < 400)
        {
            return GitResolution.Failed(GitResolveError.Protocol, $"{repositoryUrl} redirects ({status}) to {response.Headers.Location}: set spec.source.git.url to the repository's address");
        }

        if (!response.IsSuccessStatusCode)
        {
            return GitResolution.Failed(GitResolveError.Unreachable, $"{repositoryUrl} answered {status} {response.ReasonPhrase}");
        }

        var type = response.Content.Headers.ContentType?.MediaType;
        return type == AdvertisementContentType
            ? null
            : GitResolution.Failed(GitResolveError.Protocol, $"{repositoryUrl} answered with Content-Type '{type}', not {AdvertisementContentType}: not a smart-HTTP git server");
    }

    private async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > options.MaxResponseBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static OutboundRefusedException? Refusal(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is OutboundRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}

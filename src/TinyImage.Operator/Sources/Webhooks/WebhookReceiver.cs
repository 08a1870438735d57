using System.Globalization;
using System.Text;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Yaml;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Sources.Webhooks;

/// <summary>
/// Receives GitHub (<c>X-GitHub-Event</c>, signed with <c>X-Hub-Signature-256</c>) and GitLab (<c>X-Gitlab-Event</c>,
/// <c>X-Gitlab-Token</c>) push events. The TinyImages whose git source tracks the pushed repository and ref and names a
/// webhook Secret are the candidates; each is checked against its own Secret's <c>token</c>, in constant time. Every
/// candidate that verifies gets the <c>tinyimage.dev/push</c> annotation (a merge patch), which wakes the leader, which
/// resolves the ref at once. Any replica may receive: nothing here needs the lease. Nothing verified: 401, whether or not
/// a TinyImage tracks the repository (the answer tells an unauthenticated caller nothing). The payload's URLs are only
/// compared with the specs, never connected to: the leader resolves from the URL in the spec, under the outbound policy.
/// </summary>
internal sealed partial class WebhookReceiver(ResourceClient<TinyImageResource> tinyImages, ResourceClient<V1Secret> secrets, IReadOnlyList<string> namespaces, TimeProvider time, ILogger logger)
{
    /// <summary>The key of the webhook Secret that holds the shared secret or token.</summary>
    public const string TokenKey = "token";

    public async Task<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var gitHubEvent = request.Header("X-GitHub-Event");
        var gitLabEvent = request.Header("X-Gitlab-Event");
        if (gitHubEvent is null && gitLabEvent is null)
        {
            return new WebhookResponse(400, "not a GitHub or GitLab webhook (no X-GitHub-Event or X-Gitlab-Event header)");
        }

        var ping = gitHubEvent == "ping";
        if (!ping && gitHubEvent is not null and not "push" || gitLabEvent is not null and not "Push Hook" and not "Tag Push Hook")
        {
            return new WebhookResponse(202, "ignored: only push events trigger a resolve");
        }

        var push = PushEvent.Parse(request.Body);
        if (push is null || (!ping && push.Ref is null))
        {
            return new WebhookResponse(400, "the payload names no repository or ref");
        }

        var verified = new List<TinyImageResource>();
        foreach (var candidate in await CandidatesAsync(push, ping, cancellationToken).ConfigureAwait(false))
        {
            var secretName = candidate.Spec.Source.Git!.WebhookSecret!;
            var secret = await secrets.GetAsync(candidate.Metadata.NamespaceProperty, secretName, cancellationToken).ConfigureAwait(false);
            if (secret?.Data?.TryGetValue(TokenKey, out var token) != true || token!.Length == 0)
            {
                LogNoSecret(logger, candidate.Metadata.NamespaceProperty, candidate.Metadata.Name, secretName);
                continue;
            }

            var valid = gitHubEvent is not null
                ? WebhookSignature.IsValidGitHub(request.Body, request.Header("X-Hub-Signature-256"), token)
                : WebhookSignature.IsValidGitLab(request.Header("X-Gitlab-Token"), token);
            if (valid)
            {
                verified.Add(candidate);
            }
        }

        if (verified.Count == 0)
        {
            LogRefused(logger, push.RepositoryUrls[0], push.Ref);
            return new WebhookResponse(401, "no TinyImage accepts this delivery's signature or token");
        }

        if (ping)
        {
            return new WebhookResponse(200, "pong: " + verified.Count.ToString(CultureInfo.InvariantCulture) + " TinyImage(s) track this repository");
        }

        var value = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + (push.After is { } after && Sources.PktLine.IsObjectId(after) ? " " + after : "");
        var patch = "{\"metadata\":{\"annotations\":{" + JsonStrings.Quote(Annotations.Push) + ":" + JsonStrings.Quote(value) + "}}}";
        var recorded = 0;
        foreach (var tinyImage in verified)
        {
            var result = await tinyImages.PatchAsync(tinyImage.Metadata.NamespaceProperty, tinyImage.Metadata.Name, PatchType.Merge, patch, cancellationToken).ConfigureAwait(false);
            if (result.IsOk)
            {
                recorded++;
                LogRecorded(logger, tinyImage.Metadata.NamespaceProperty, tinyImage.Metadata.Name, push.Ref);
            }
        }

        return new WebhookResponse(202, "recorded the push on " + recorded.ToString(CultureInfo.InvariantCulture) + " TinyImage(s)");
    }

    /// <summary>The TinyImages with a webhook Secret whose git URL is the pushed repository and whose tracked ref was pushed.</summary>
    private async Task<List<TinyImageResource>> CandidatesAsync(PushEvent push, bool ping, CancellationToken cancellationToken)
    {
        var found = new List<TinyImageResource>();
        var scopes = namespaces.Count == 0 ? new string?[] { null } : namespaces.ToArray<string?>();
        foreach (var scope in scopes)
        {
            var list = await tinyImages.ListAsync(scope, null, cancellationToken).ConfigureAwait(false);
            foreach (var tinyImage in list.Items)
            {
                if (tinyImage.Spec?.Source?.Git is not { WebhookSecret: not null } git || git.Ref?.Commit is not null
                    || PushEvent.Normalize(git.Url) is not { } url || !push.RepositoryUrls.Contains(url, StringComparer.Ordinal))
                {
                    continue;
                }

                if (ping || Tracks(git, push))
                {
                    found.Add(tinyImage);
                }
            }
        }

        return found;
    }

    private static bool Tracks(GitSource git, PushEvent push) => git.Ref switch
    {
        { Branch: { } branch } => push.Ref == "refs/heads/" + branch,
        { Tag: { } tag } => push.Ref == "refs/tags/" + tag,

        // The default branch: the payload names it; without it, any branch push may have moved it.
        _ => push.DefaultBranch is { } main ? push.Ref == "refs/heads/" + main : push.Ref?.StartsWith("refs/heads/", StringComparison.Ordinal) == true,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook for {Namespace}/{Name}: Secret {Secret} has no token key")]
    private static partial void LogNoSecret(ILogger logger, string @namespace, string name, string secret);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a webhook for {Repository} {Ref}: no TinyImage accepts its signature")]
    private static partial void LogRefused(ILogger logger, string repository, string? @ref);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded a push to {Ref} on {Namespace}/{Name}")]
    private static partial void LogRecorded(ILogger logger, string @namespace, string name, string? @ref);
}

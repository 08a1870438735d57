using System.Text.Json;

namespace TinyImage.Operator.Sources.Webhooks;

/// <summary>
/// What the receiver reads of a GitHub or GitLab push (or GitHub ping) payload: the repository's addresses (to find the
/// TinyImages that track it; never to connect to), the pushed ref, the new commit and the default branch.
/// </summary>
/// <param name="RepositoryUrls">The repository's clone and web URLs, normalized by <see cref="Normalize"/>.</param>
/// <param name="Ref">The full ref pushed (<c>refs/heads/main</c>), or null for a ping.</param>
/// <param name="After">The commit the ref points at after the push, or null.</param>
/// <param name="DefaultBranch">The repository's default branch name, or null.</param>
internal sealed record PushEvent(IReadOnlyList<string> RepositoryUrls, string? Ref, string? After, string? DefaultBranch)
{
    /// <summary>Parses a payload; null when it is not JSON or names no repository.</summary>
    public static PushEvent? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var urls = new List<string>();
            string? defaultBranch = null;
            foreach (var holder in new[] { "repository", "project" })
            {
                if (root.TryGetProperty(holder, out var repository) && repository.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in new[] { "clone_url", "html_url", "git_http_url", "web_url", "homepage", "url" })
                    {
                        if (Text(repository, field) is { } url && Normalize(url) is { } normalized)
                        {
                            urls.Add(normalized);
                        }
                    }

                    defaultBranch ??= Text(repository, "default_branch");
                }
            }

            return urls.Count == 0 ? null : new PushEvent([.. urls.Distinct(StringComparer.Ordinal)], Text(root, "ref"), Text(root, "after"), defaultBranch);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A repository address for comparison: <c>https://</c> or <c>http://</c> only, scheme dropped, host lowercased, no
    /// credentials, query or fragment, no trailing <c>/</c> or <c>.git</c>. Null for anything else (ssh, git://).
    /// </summary>
    public static string? Normalize(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith(".git", StringComparison.Ordinal))
        {
            path = path[..^4];
        }

        return uri.Host.ToLowerInvariant() + (uri.IsDefaultPort ? "" : ":" + uri.Port) + path;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

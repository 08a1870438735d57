using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TinyImage.Oci;

/// <summary>
/// A parsed image reference <c>[host[:port]/]path[:tag][@sha256:hex]</c>, validated like the distribution project's
/// reference grammar. A first component counts as a host when it contains <c>.</c> or <c>:</c> or is <c>localhost</c>;
/// otherwise the registry is Docker Hub (<c>docker.io</c>) and a single-component path gets <c>library/</c>.
/// Without tag and digest the tag is <c>latest</c>.
/// </summary>
/// <param name="Registry">The registry as written (<c>docker.io</c> for Docker Hub), with port when given.</param>
/// <param name="Repository">The repository path, e.g. <c>team/hello</c> or <c>library/alpine</c>.</param>
/// <param name="Tag">The tag, or null when only a digest was given.</param>
/// <param name="Digest">The manifest digest, or null.</param>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";
    private const int MaxNameLength = 255;

    /// <summary>The digest when pinned, else the tag: what goes after <c>/manifests/</c>.</summary>
    public string Reference => Digest ?? Tag ?? "latest";

    /// <summary>This reference pinned to <paramref name="digest"/> (the tag is kept for display).</summary>
    public ImageReference WithDigest(string digest) => this with { Digest = digest };

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? string.Empty : ":" + Tag)}{(Digest is null ? string.Empty : "@" + Digest)}";

    /// <summary>Parses a reference or throws <see cref="RegistryException"/> (Malformed) naming what is wrong.</summary>
    public static ImageReference Parse(string value) =>
        TryParse(value, out var reference, out var error) ? reference : throw new RegistryException(RegistryErrorKind.Malformed, error);

    /// <summary>Parses a reference; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out ImageReference? reference, out string error)
    {
        reference = null;
        if (string.IsNullOrEmpty(value))
        {
            error = "The image reference is empty.";
            return false;
        }

        if (value.Length > 1024 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            error = $"The image reference '{Shorten(value)}' is too long or contains whitespace.";
            return false;
        }

        var rest = value;
        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!Digests.IsValid(digest))
            {
                error = $"The digest in '{value}' is not sha256 followed by 64 lowercase hex digits.";
                return false;
            }
        }

        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagRegex().IsMatch(tag))
            {
                error = $"The tag '{tag}' in '{value}' is invalid (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-').";
                return false;
            }
        }

        string registry;
        string path;
        var firstSlash = rest.IndexOf('/', StringComparison.Ordinal);
        var first = firstSlash < 0 ? null : rest[..firstSlash];
        if (first is not null && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            registry = first;
            path = rest[(firstSlash + 1)..];
            if (!IsValidHost(registry))
            {
                error = $"The registry host '{registry}' in '{value}' is invalid.";
                return false;
            }
        }
        else
        {
            registry = DockerHub;
            path = rest;
        }

        if (registry is DockerHub or "index.docker.io" or "registry-1.docker.io")
        {
            registry = DockerHub;
            if (!path.Contains('/', StringComparison.Ordinal))
            {
                path = "library/" + path;
            }
        }

        if (path.Length == 0 || path.Length > MaxNameLength || !path.Split('/').All(c => ComponentRegex().IsMatch(c)))
        {
            error = $"The repository path '{path}' in '{value}' is invalid (lowercase letters, digits and single separators, components joined by '/').";
            return false;
        }

        if (tag is null && digest is null)
        {
            tag = "latest";
        }

        reference = new ImageReference(registry, path, tag, digest);
        error = string.Empty;
        return true;
    }

    private static bool IsValidHost(string host)
    {
        var name = host;
        var colon = host.LastIndexOf(':');
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            colon = host.IndexOf(':', close);
            name = host[..close];
        }
        else if (colon >= 0)
        {
            name = host[..colon];
        }

        if (colon >= 0)
        {
            var port = host[(colon + 1)..];
            if (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit) || int.Parse(port, CultureInfo.InvariantCulture) is 0 or > 65535)
            {
                return false;
            }
        }

        return name.StartsWith('[') ? name.Length > 2 : HostRegex().IsMatch(name);
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "...";

    [GeneratedRegex("^[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ComponentRegex();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagRegex();

    [GeneratedRegex("^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*$", RegexOptions.CultureInvariant)]
    private static partial Regex HostRegex();
}

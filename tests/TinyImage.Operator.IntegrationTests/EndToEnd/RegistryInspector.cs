using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.StandIns;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>What an image in the registry really holds, read over the registry API (not from what the stand-in says).</summary>
/// <param name="ManifestBytes">Manifest size.</param>
/// <param name="ConfigBytes">Config size.</param>
/// <param name="LayerBytes">Compressed size of every layer.</param>
/// <param name="Files">Every entry of every layer: path (no leading slash) and type.</param>
/// <param name="Config">The image config.</param>
/// <param name="FileContents">The content of every regular file by path.</param>
internal sealed record RegistryImage(
    long ManifestBytes,
    long ConfigBytes,
    IReadOnlyList<long> LayerBytes,
    IReadOnlyList<(string Path, TarEntryType Type)> Files,
    JsonObject Config,
    IReadOnlyDictionary<string, byte[]> FileContents)
{
    public long TotalBytes => ManifestBytes + ConfigBytes + LayerBytes.Sum();

    /// <summary>Fetches <paramref name="repository"/>@<paramref name="digest"/> and every blob, checking each digest.</summary>
    public static async Task<RegistryImage> FetchAsync(LocalRegistry registry, string repository, string digest, CancellationToken cancellationToken)
    {
        using var client = registry.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{digest}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciImage.ManifestMediaType));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var manifestBytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        Assert.Equal(digest, OciImage.DigestOf(manifestBytes));
        var manifest = JsonNode.Parse(manifestBytes)!.AsObject();
        var config = await BlobAsync(client, repository, (string)manifest["config"]!["digest"]!, cancellationToken);
        var files = new List<(string, TarEntryType)>();
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var sizes = new List<long>();
        foreach (var layer in manifest["layers"]!.AsArray())
        {
            var blob = await BlobAsync(client, repository, (string)layer!["digest"]!, cancellationToken);
            sizes.Add(blob.LongLength);
            using var gz = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress);
            using var tar = new TarReader(gz);
            while (await tar.GetNextEntryAsync(copyData: true, cancellationToken) is { } entry)
            {
                files.Add((entry.Name.TrimStart('.', '/').TrimEnd('/'), entry.EntryType));
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
                {
                    using var ms = new MemoryStream();
                    await data.CopyToAsync(ms, cancellationToken);
                    contents[entry.Name.TrimStart('.', '/')] = ms.ToArray();
                }
            }
        }

        return new RegistryImage(manifestBytes.LongLength, config.LongLength, sizes, files, JsonNode.Parse(config)!.AsObject(), contents);
    }

    /// <summary>Fetches <paramref name="repository"/>:<paramref name="tag"/> by the digest the registry reports for the tag.</summary>
    public static async Task<RegistryImage> FetchTagAsync(LocalRegistry registry, string repository, string tag, CancellationToken cancellationToken)
    {
        using var client = registry.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/manifests/{tag}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciImage.ManifestMediaType));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var digest = response.Headers.GetValues("Docker-Content-Digest").Single();
        return await FetchAsync(registry, repository, digest, cancellationToken);
    }

    private static async Task<byte[]> BlobAsync(HttpClient client, string repository, string digest, CancellationToken cancellationToken)
    {
        var bytes = await client.GetByteArrayAsync(new Uri($"v2/{repository}/blobs/{digest}", UriKind.Relative), cancellationToken);
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        return bytes;
    }
}

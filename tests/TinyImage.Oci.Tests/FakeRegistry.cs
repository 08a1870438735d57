using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Oci;
using TinyImage.Testing;

namespace TinyImage.Oci.Tests;

/// <summary>An in-memory registry behind a <see cref="StubHandler"/>: manifests and blobs of one repository, plus an override hook.</summary>
internal sealed class FakeRegistry
{
    public const string Host = "reg.test";
    public const string Repository = "team/app";

    public Dictionary<string, (byte[] Bytes, string MediaType)> Manifests { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);

    /// <summary>Answers before the default routing when it returns non-null.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage?>? Override { get; set; }

    public StubHandler Handler { get; }

    public FakeRegistry()
    {
        Handler = new StubHandler(Respond);
    }

    public static ImageReference Ref(string reference) => ImageReference.Parse($"{Host}/{Repository}{reference}");

    public void Add(TestImage image, string tag = "v1")
    {
        Manifests[tag] = (image.Manifest, image.ManifestMediaType);
        Manifests[image.Digest] = (image.Manifest, image.ManifestMediaType);
        foreach (var blob in image.Layers.Append(image.Config))
        {
            Blobs[blob.Digest] = blob.Bytes;
        }
    }

    /// <summary>Answers a GET of the blob <paramref name="digest"/> with <paramref name="body"/>, declaring <paramref name="length"/> bytes.</summary>
    public void ServeBlob(string digest, Stream body, long length) =>
        Override = request =>
        {
            if (!request.RequestUri!.AbsolutePath.EndsWith("/blobs/" + digest, StringComparison.Ordinal))
            {
                return null;
            }

            var content = new StreamContent(body);
            content.Headers.ContentLength = length;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        };

    public RegistryClient Client(RegistryClientOptions? options = null, TimeProvider? time = null) =>
        new(Handler, disposeHandler: false, options ?? new RegistryClientOptions(), time ?? new TestTimeProvider(), NullLogger.Instance);

    private HttpResponseMessage Respond(HttpRequestMessage request)
    {
        if (Override?.Invoke(request) is { } overridden)
        {
            return overridden;
        }

        var path = request.RequestUri!.AbsolutePath;
        var prefix = $"/v2/{Repository}/";
        if (request.RequestUri.Host != Host || !path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return StubHandler.Status(HttpStatusCode.NotFound);
        }

        var rest = path[prefix.Length..];
        if (rest.StartsWith("manifests/", StringComparison.Ordinal) && Manifests.TryGetValue(rest["manifests/".Length..], out var m))
        {
            return StubHandler.Bytes(m.Bytes, m.MediaType);
        }

        if (rest.StartsWith("blobs/", StringComparison.Ordinal) && Blobs.TryGetValue(rest["blobs/".Length..], out var b))
        {
            return StubHandler.Bytes(b, "application/octet-stream");
        }

        return StubHandler.Status(HttpStatusCode.NotFound);
    }
}

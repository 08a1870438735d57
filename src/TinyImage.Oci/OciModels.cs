using System.Text.Json.Serialization;

namespace TinyImage.Oci;

/// <summary>An OCI content descriptor.</summary>
public sealed record OciDescriptor(
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("digest")] string? Digest,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("urls")] IReadOnlyList<string>? Urls = null,
    [property: JsonPropertyName("platform")] OciPlatform? Platform = null);

/// <summary>The platform of an index entry.</summary>
public sealed record OciPlatform(
    [property: JsonPropertyName("architecture")] string? Architecture,
    [property: JsonPropertyName("os")] string? Os,
    [property: JsonPropertyName("variant")] string? Variant = null);

/// <summary>An image manifest (OCI or Docker v2 schema 2: same shape).</summary>
public sealed record OciManifest(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("config")] OciDescriptor? Config,
    [property: JsonPropertyName("layers")] IReadOnlyList<OciDescriptor>? Layers);

/// <summary>An image index (OCI) or manifest list (Docker).</summary>
public sealed record OciIndex(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("manifests")] IReadOnlyList<OciDescriptor>? Manifests);

/// <summary>Only the fields of a manifest or index needed to tell which one it is.</summary>
public sealed record OciMediaTypeProbe(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("manifests")] System.Text.Json.JsonElement? Manifests,
    [property: JsonPropertyName("layers")] System.Text.Json.JsonElement? Layers);

/// <summary>The image configuration fields we check.</summary>
public sealed record OciImageConfig(
    [property: JsonPropertyName("architecture")] string? Architecture,
    [property: JsonPropertyName("os")] string? Os);

/// <summary>A token endpoint's answer (distribution token spec: <c>token</c>, or OAuth2's <c>access_token</c>).</summary>
public sealed record RegistryTokenResponse(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn);

/// <summary>A <c>.dockerconfigjson</c> document.</summary>
public sealed record DockerConfigFile(
    [property: JsonPropertyName("auths")] IReadOnlyDictionary<string, DockerConfigAuth>? Auths);

/// <summary>One <c>auths</c> entry: <c>auth</c> (base64 of user:password) or <c>username</c>/<c>password</c>.</summary>
public sealed record DockerConfigAuth(
    [property: JsonPropertyName("auth")] string? Auth,
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("password")] string? Password,
    [property: JsonPropertyName("identitytoken")] string? IdentityToken);

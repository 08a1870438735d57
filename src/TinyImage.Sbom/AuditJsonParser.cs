using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Unicode;

namespace TinyImage.Sbom;

/// <summary>
/// Parses cargo-auditable JSON (<c>{"packages":[...],"format":N}</c>) with <see cref="Utf8JsonReader"/> (no reflection,
/// AOT clean) and validates it strictly: UTF-8, one JSON value, a depth limit, typed fields, no duplicate keys, then
/// the graph checks of <see cref="AuditDataValidator"/>. Unknown fields are accepted and skipped.
/// </summary>
public static class AuditJsonParser
{
    /// <summary>The JSON nesting limit. The format itself needs four levels; unknown fields get the rest.</summary>
    public const int MaxDepth = 64;

    public static SbomOutcome<AuditData> Parse(byte[] json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!Utf8.IsValid(json))
        {
            return SbomOutcome<AuditData>.Fail(SbomError.InvalidUtf8, $"The decompressed data is not valid UTF-8 (first bad byte at offset {FirstInvalidUtf8(json)}).");
        }

        if (CheckSyntaxAndDepth(json) is { } syntax)
        {
            return SbomOutcome<AuditData>.Fail(syntax);
        }

        var reader = new Utf8JsonReader(json, Options);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Schema($"The top-level JSON value is {reader.TokenType}, not an object.");
        }

        List<RawPackage>? packages = null;
        uint format = 0;
        var seenFormat = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("packages"u8))
            {
                if (packages is not null)
                {
                    return Schema("The key \"packages\" appears twice.");
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return Schema($"\"packages\" is {reader.TokenType}, not an array.");
                }

                packages = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (ReadPackage(ref reader, packages.Count, out var package) is { } failure)
                    {
                        return SbomOutcome<AuditData>.Fail(failure);
                    }

                    packages.Add(package!);
                }
            }
            else if (reader.ValueTextEquals("format"u8))
            {
                if (seenFormat)
                {
                    return Schema("The key \"format\" appears twice.");
                }

                seenFormat = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt32(out format))
                {
                    return SbomOutcome<AuditData>.Fail(SbomError.InvalidFormat, "\"format\" is not a non-negative 32-bit integer.");
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (packages is null)
        {
            return Schema("The key \"packages\" is missing.");
        }

        return AuditDataValidator.Validate(packages, format, json);
    }

    private static readonly JsonReaderOptions Options = new()
    {
        // Our own depth check runs first and names the failure; the reader's limit is just above it.
        MaxDepth = MaxDepth + 2,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>One pass over all tokens: well-formed, a single value, nesting at most <see cref="MaxDepth"/>.</summary>
    private static SbomFailure? CheckSyntaxAndDepth(byte[] json)
    {
        var reader = new Utf8JsonReader(json, Options);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= MaxDepth)
                {
                    return new SbomFailure(SbomError.JsonTooDeep, $"The JSON nests deeper than {MaxDepth} levels (at byte {reader.TokenStartIndex}).");
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            return new SbomFailure(SbomError.JsonMalformed, $"The decompressed data is not well-formed JSON: {ex.Message}");
        }
    }

    private static SbomFailure? ReadPackage(ref Utf8JsonReader reader, int index, out RawPackage? package)
    {
        package = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return SchemaFailure($"Package {index} is {reader.TokenType}, not an object.");
        }

        string? name = null, version = null, source = null, kind = null;
        List<long>? dependencies = null;
        bool? root = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            SbomFailure? failure;
            if (reader.ValueTextEquals("name"u8))
            {
                failure = ReadString(ref reader, index, "name", ref name);
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                failure = ReadString(ref reader, index, "version", ref version);
            }
            else if (reader.ValueTextEquals("source"u8))
            {
                failure = ReadString(ref reader, index, "source", ref source);
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                failure = ReadString(ref reader, index, "kind", ref kind);
            }
            else if (reader.ValueTextEquals("root"u8))
            {
                failure = root is not null ? Duplicate(index, "root") : null;
                reader.Read();
                if (failure is null && reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                {
                    failure = SchemaFailure($"Package {index}: \"root\" is {reader.TokenType}, not a boolean.");
                }

                root = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("dependencies"u8))
            {
                failure = dependencies is not null ? Duplicate(index, "dependencies") : ReadIndices(ref reader, index, out dependencies);
            }
            else
            {
                reader.Read();
                reader.Skip();
                failure = null;
            }

            if (failure is not null)
            {
                return failure;
            }
        }

        if (name is null || version is null || source is null)
        {
            var missing = name is null ? "name" : version is null ? "version" : "source";
            return SchemaFailure($"Package {index} has no \"{missing}\".");
        }

        package = new RawPackage(name, version, source, kind, dependencies ?? [], root ?? false);
        return null;
    }

    private static SbomFailure? ReadString(ref Utf8JsonReader reader, int index, string key, ref string? value)
    {
        if (value is not null)
        {
            return Duplicate(index, key);
        }

        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            return SchemaFailure($"Package {index}: \"{key}\" is {reader.TokenType}, not a string.");
        }

        try
        {
            value = reader.GetString();
            return null;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate (\uD800) is valid JSON syntax but not a Unicode string.
            return new SbomFailure(SbomError.InvalidUtf8, $"Package {index}: \"{key}\" escapes an unpaired surrogate.");
        }
    }

    private static SbomFailure? ReadIndices(ref Utf8JsonReader reader, int index, out List<long>? indices)
    {
        indices = [];
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return SchemaFailure($"Package {index}: \"dependencies\" is {reader.TokenType}, not an array.");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                return SchemaFailure($"Package {index}: a dependency is {reader.TokenType}, not an index.");
            }

            if (!reader.TryGetInt64(out var value))
            {
                return new SbomFailure(SbomError.DependencyIndexOutOfRange, $"Package {index}: a dependency index is not an integer in range.");
            }

            indices.Add(value);
        }

        return null;
    }

    private static SbomFailure Duplicate(int index, string key) => SchemaFailure($"Package {index}: the key \"{key}\" appears twice.");

    private static SbomFailure SchemaFailure(string message) => new(SbomError.SchemaViolation, message);

    private static SbomOutcome<AuditData> Schema(string message) => SbomOutcome<AuditData>.Fail(SchemaFailure(message));

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (!bytes.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
            bytes = bytes[consumed..];
        }

        return offset;
    }

    /// <summary>A package as written, before validation.</summary>
    public sealed record RawPackage(string Name, string Version, string Source, string? Kind, List<long> Dependencies, bool Root);
}

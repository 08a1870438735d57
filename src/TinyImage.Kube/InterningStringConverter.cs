using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube;

/// <summary>
/// Reads short strings through a bounded pool of instances, so the informer caches hold one copy of what every object
/// repeats (namespace, label and annotation keys and values, owner kinds and uids, a child's name shared with its
/// owner, condition types and reasons, images) instead of one per object (issue 17: about 300 strings per cached
/// TinyImage with its children, most of them repeats). A string found in the pool costs no allocation; one not found
/// is added while the pool has room, and the pool starts over when full, so what it holds stays bounded and values
/// seen once (resource versions) only pass through. Strings longer than <see cref="MaxChars"/> are read as usual.
/// Writing is unchanged. The API library compiles this file in too (its own internal copy and pool): a library references
/// no other project.
/// </summary>
internal sealed class InterningStringConverter : JsonConverter<string>
{
    /// <summary>
    /// Longer strings are not pooled (messages, data, certificates). Up to 256: a build record's toolchain (two image
    /// references with digests, about 230 characters) is the same in every TinyImage (issue 17: 460 bytes per cached
    /// TinyImage).
    /// </summary>
    public const int MaxChars = 256;

    /// <summary>Strings the pool holds at most before it starts over.</summary>
    public const int Capacity = 16_384;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, string> Pool = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Pool.GetAlternateLookup<ReadOnlySpan<char>>();

    public override bool HandleNull => false;

    /// <summary>Strings the pool holds now; for tests.</summary>
    public static int PooledCount
    {
        get
        {
            lock (Gate)
            {
                return Pool.Count;
            }
        }
    }

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? ReadPooled(ref reader) : reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadPooled(ref reader);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    /// <summary>The pooled instance equal to <paramref name="value"/>, adding it when the pool has none.</summary>
    public static string Intern(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxChars)
        {
            return value.ToString();
        }

        lock (Gate)
        {
            if (Lookup.TryGetValue(value, out var pooled))
            {
                return pooled;
            }

            if (Pool.Count >= Capacity)
            {
                Pool.Clear();
            }

            var text = value.ToString();
            Pool.Add(text, text);
            return text;
        }
    }

    private static string ReadPooled(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxChars * 6)
        {
            return reader.GetString()!;
        }

        // Unescaped UTF-8 has at least as many bytes as UTF-16 chars (and an escape more bytes than the char it stands
        // for), so the byte length bounds the chars. Sized to it, not to the most: the stack space is zeroed on every read
        // (issue 17, eighth round: zeroing 3 KiB per string was 1 % of the operator's CPU).
        Span<char> chars = stackalloc char[(int)length];
        var written = reader.CopyString(chars);
        return written > MaxChars ? chars[..written].ToString() : Intern(chars[..written]);
    }
}

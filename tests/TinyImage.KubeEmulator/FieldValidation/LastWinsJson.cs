using System.Collections;
using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.FieldValidation;

/// <summary>
/// Parses JSON as Go's decoder does: a key that appears twice in an object keeps its last value (System.Text.Json's
/// JsonObject refuses duplicates). Strict field validation reports the duplicates, which the same pass collects.
/// </summary>
internal static class LastWinsJson
{
    // Property names repeat across requests ("metadata", "name", "containers", label keys): each short ASCII one is made
    // into a string once and shared by every object parsed after, instead of a new string per key per request.
    private const int MaxInternedLength = 64;
    private const int MaxInterned = 8192;
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static int _interned;

    // String values likewise, in their own table (names stay shared when the values' table is full of unique names).
    private static readonly ConcurrentDictionary<string, string> Values = new(StringComparer.Ordinal);
    private static int _internedValues;

    // Members of objects (and items of arrays) being read on this thread, innermost last; beyond this many members an
    // object is made and filled one member at a time (the duplicate check on the stack is a linear scan).
    private const int MaxGatheredMembers = 32;

    [ThreadStatic]
    private static KeyValuePair<string, JsonNode?>[]? t_members;

    [ThreadStatic]
    private static int t_memberCount;

    [ThreadStatic]
    private static JsonNode?[]? t_items;

    [ThreadStatic]
    private static int t_itemCount;

    public static JsonNode? Parse(string text) => Parse(Encoding.UTF8.GetBytes(text), duplicates: null);

    /// <summary>
    /// Parses a UTF-8 body once; each key seen twice in one object is added to <paramref name="duplicates"/> (when given) as
    /// <c>duplicate field "x"</c>, in document order, as strict field validation names it.
    /// </summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, List<string>? duplicates)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 512 });
        if (!reader.Read())
        {
            throw new JsonException("empty body");
        }

        // A parse that threw on this thread left its members on the stack: start from the bottom.
        ClearStacks();
        var node = Read(ref reader, duplicates);
        if (reader.Read())
        {
            throw new JsonException("invalid character after top-level value");
        }

        return node;
    }

    private static JsonNode? Read(ref Utf8JsonReader reader, List<string>? duplicates)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return ReadObject(ref reader, duplicates);
            case JsonTokenType.StartArray:
                return ReadArray(ref reader, duplicates);
            case JsonTokenType.String:
                return JsonValue.Create(Shared(ref reader, Values, ref _internedValues));
            case JsonTokenType.Number:
                return JsonNode.Parse(reader.ValueSpan);
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            case JsonTokenType.Null:
                return null;
            default:
                throw new JsonException($"unexpected token {reader.TokenType}");
        }
    }

    /// <summary>
    /// An object's members are gathered on this thread's stack first and the object made with its final size: a
    /// <see cref="JsonObject"/> filled one member at a time grows its table several times. Same members, same order, and a
    /// repeated key keeps its first place with its last value, as the object's indexer would give.
    /// </summary>
    private static JsonObject ReadObject(ref Utf8JsonReader reader, List<string>? duplicates)
    {
        var stack = t_members ??= new KeyValuePair<string, JsonNode?>[64];
        var start = t_memberCount;
        JsonObject? spilled = null;
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var key = PropertyName(ref reader);
                reader.Read();
                if (spilled is not null)
                {
                    if (duplicates is not null && spilled.ContainsKey(key))
                    {
                        duplicates.Add($"duplicate field \"{key}\"");
                    }

                    spilled[key] = Read(ref reader, duplicates);
                    continue;
                }

                var at = IndexOf(stack, start, t_memberCount, key);
                if (at >= 0 && duplicates is not null)
                {
                    duplicates.Add($"duplicate field \"{key}\"");
                }

                var value = Read(ref reader, duplicates);
                stack = t_members!; // a nested value may have grown the stack
                if (at >= 0)
                {
                    stack[at] = new(key, value);
                }
                else if (t_memberCount - start < MaxGatheredMembers)
                {
                    if (t_memberCount == stack.Length)
                    {
                        Array.Resize(ref t_members, stack.Length * 2);
                        stack = t_members!;
                    }

                    stack[t_memberCount++] = new(key, value);
                }
                else
                {
                    // A large object: made now from what was gathered, filled the plain way from here on.
                    spilled = Members.Object(stack, start, t_memberCount - start);
                    Release(stack, start);
                    spilled[key] = value;
                }
            }

            return spilled ?? Members.Object(stack, start, t_memberCount - start);
        }
        finally
        {
            if (spilled is null)
            {
                Release(t_members!, start);
            }
        }
    }

    private static JsonArray ReadArray(ref Utf8JsonReader reader, List<string>? duplicates)
    {
        var start = t_itemCount;
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var item = Read(ref reader, duplicates);
                var items = t_items ??= new JsonNode?[64];
                if (t_itemCount == items.Length)
                {
                    Array.Resize(ref t_items, items.Length * 2);
                }

                t_items![t_itemCount++] = item;
            }

            return t_items is null ? [] : new JsonArray(new ReadOnlySpan<JsonNode?>(t_items, start, t_itemCount - start));
        }
        finally
        {
            if (t_items is not null)
            {
                Array.Clear(t_items, start, t_itemCount - start);
            }

            t_itemCount = start;
        }
    }

    private static int IndexOf(KeyValuePair<string, JsonNode?>[] stack, int start, int end, string key)
    {
        for (var i = start; i < end; i++)
        {
            if (string.Equals(stack[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Pops this object's members (the stack keeps no node of a parsed body alive).</summary>
    private static void Release(KeyValuePair<string, JsonNode?>[] stack, int start)
    {
        Array.Clear(stack, start, t_memberCount - start);
        t_memberCount = start;
    }

    private static void ClearStacks()
    {
        if (t_memberCount > 0)
        {
            Array.Clear(t_members!, 0, t_memberCount);
            t_memberCount = 0;
        }

        if (t_itemCount > 0)
        {
            Array.Clear(t_items!, 0, t_itemCount);
            t_itemCount = 0;
        }
    }

    /// <summary>
    /// A run of the member stack handed to <see cref="JsonObject"/>'s constructor, which sizes the object by its count and
    /// enumerates it once: one instance per thread, its own enumerator, so that nothing is boxed per object.
    /// </summary>
    private sealed class Members : ICollection<KeyValuePair<string, JsonNode?>>, IEnumerator<KeyValuePair<string, JsonNode?>>
    {
        [ThreadStatic]
        private static Members? t_instance;

        private KeyValuePair<string, JsonNode?>[] _stack = [];
        private int _start;
        private int _count;
        private int _at;

        public int Count => _count;

        public bool IsReadOnly => true;

        public KeyValuePair<string, JsonNode?> Current => _stack[_start + _at];

        object IEnumerator.Current => Current;

        public static JsonObject Object(KeyValuePair<string, JsonNode?>[] stack, int start, int count)
        {
            var run = t_instance ??= new Members();
            (run._stack, run._start, run._count, run._at) = (stack, start, count, -1);
            try
            {
                return new JsonObject(run);
            }
            finally
            {
                run._stack = [];
            }
        }

        public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator()
        {
            _at = -1;
            return this;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public bool MoveNext() => ++_at < _count;

        public void Reset() => _at = -1;

        public void Dispose()
        {
        }

        public bool Contains(KeyValuePair<string, JsonNode?> item) => throw new NotSupportedException();

        public void CopyTo(KeyValuePair<string, JsonNode?>[] array, int arrayIndex) => Array.Copy(_stack, _start, array, arrayIndex, _count);

        public void Add(KeyValuePair<string, JsonNode?> item) => throw new NotSupportedException();

        public void Clear() => throw new NotSupportedException();

        public bool Remove(KeyValuePair<string, JsonNode?> item) => throw new NotSupportedException();
    }

    /// <summary>The property name under the reader, as <see cref="Utf8JsonReader.GetString"/> gives it; a short ASCII one shared.</summary>
    internal static string PropertyName(ref Utf8JsonReader reader) => Shared(ref reader, Names, ref _interned);

    /// <summary>
    /// The string under the reader, as <see cref="Utf8JsonReader.GetString"/> gives it; a short unescaped ASCII one is taken
    /// from (or added to, while it has room) <paramref name="table"/>, so that a value every body repeats (an image, a label,
    /// "IfNotPresent") is one string however many objects hold it.
    /// </summary>
    private static string Shared(ref Utf8JsonReader reader, ConcurrentDictionary<string, string> table, ref int count)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxInternedLength)
        {
            return reader.GetString()!;
        }

        Span<char> chars = stackalloc char[MaxInternedLength];
        if (Ascii.ToUtf16(reader.ValueSpan, chars, out var written) != OperationStatus.Done)
        {
            return reader.GetString()!;
        }

        var name = chars[..written];
        if (table.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var shared))
        {
            return shared;
        }

        var made = new string(name);
        if (Volatile.Read(ref count) < MaxInterned && table.TryAdd(made, made))
        {
            Interlocked.Increment(ref count);
        }

        return made;
    }
}

using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace TinyImage.Kube;

/// <summary>
/// A small read-only string map, the form in which the caches hold an object's labels and annotations (issue 17):
/// keys and values in one array, in the order they were read, found by an ordinal scan. A cached object's labels (six
/// entries) take 144 bytes this way against 328 for a <see cref="Dictionary{TKey, TValue}"/>, and every cached object
/// has one or two such maps. Cached objects are read-only, so the map refuses changes (as a
/// <c>ReadOnlyDictionary</c> does); code that edits labels builds a new dictionary (<see cref="ChildWriter.Merge"/>).
/// </summary>
internal sealed class CompactStringMap : IDictionary<string, string>, IReadOnlyDictionary<string, string>
{
    /// <summary>Larger maps stay dictionaries: the scan is linear.</summary>
    public const int MaxEntries = 16;

    private readonly string[] items; // key, value, key, value, ...

    private CompactStringMap(string[] items) => this.items = items;

    public int Count => items.Length / 2;

    public bool IsReadOnly => true;

    public ICollection<string> Keys => [.. Pairs().Select(p => p.Key)];

    public ICollection<string> Values => [.. Pairs().Select(p => p.Value)];

    IEnumerable<string> IReadOnlyDictionary<string, string>.Keys => Keys;

    IEnumerable<string> IReadOnlyDictionary<string, string>.Values => Values;

    public string this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The key '{key}' is not in the map.");
        set => throw ReadOnly();
    }

    /// <summary>
    /// <paramref name="map"/> in the compact form: null and empty stay as they are (an empty map is not null on the
    /// wire), as do maps over <see cref="MaxEntries"/> and maps already compact.
    /// </summary>
    [return: NotNullIfNotNull(nameof(map))]
    public static IDictionary<string, string>? Of(IDictionary<string, string>? map)
    {
        if (map is null or CompactStringMap || map.Count is 0 or > MaxEntries)
        {
            return map;
        }

        var items = new string[map.Count * 2];
        var i = 0;
        foreach (var (key, value) in map)
        {
            items[i++] = key;
            items[i++] = value;
        }

        return new CompactStringMap(items);
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? items[index + 1] : null;
        return index >= 0;
    }

    public bool Contains(KeyValuePair<string, string> item) => TryGetValue(item.Key, out var value) && value == item.Value;

    public void CopyTo(KeyValuePair<string, string>[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        foreach (var pair in Pairs())
        {
            array[arrayIndex++] = pair;
        }
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Pairs().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(string key, string value) => throw ReadOnly();

    public void Add(KeyValuePair<string, string> item) => throw ReadOnly();

    public bool Remove(string key) => throw ReadOnly();

    public bool Remove(KeyValuePair<string, string> item) => throw ReadOnly();

    public void Clear() => throw ReadOnly();

    private static NotSupportedException ReadOnly() =>
        new("A cached object's labels and annotations are read-only; copy them into a new dictionary to change them.");

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < items.Length; i += 2)
        {
            if (string.Equals(items[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private IEnumerable<KeyValuePair<string, string>> Pairs()
    {
        for (var i = 0; i < items.Length; i += 2)
        {
            yield return new KeyValuePair<string, string>(items[i], items[i + 1]);
        }
    }
}

using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// Where one Go round trip is in the object it decodes (struct fields and map keys from the root), for the message of a
/// decode error. Kept as segments and written out only when an error asks (<see cref="ToString"/>), instead of one string
/// per decoded field: almost every decode succeeds, and most of them would build that string for nothing. It also lends
/// the round trip the lists it gathers a struct's fields or a map's entries in (one per level of nesting, reused).
/// </summary>
internal sealed class GoPath
{
    private readonly List<(string Name, bool Key)> _segments = new(16);
    private readonly Stack<List<KeyValuePair<string, JsonNode?>>> _free = new();

    [ThreadStatic]
    private static GoPath? t_idle;

    /// <summary>
    /// An empty path for one round trip: this thread's, with the lists earlier round trips gave back, unless it is in use
    /// (then a new one). A round trip that ends in an error does not give it back: the next one starts afresh.
    /// </summary>
    public static GoPath Rent()
    {
        var path = t_idle ?? new GoPath();
        t_idle = null;
        return path;
    }

    /// <summary>Keeps a path whose round trip ended (every segment left, every list given back) for this thread's next one.</summary>
    public static void Release(GoPath path)
    {
        path._segments.Clear();
        t_idle = path;
    }

    /// <summary>How many segments the path has (for tests).</summary>
    internal int Depth => _segments.Count;

    /// <summary>Enters a struct field.</summary>
    public void PushField(string name) => _segments.Add((name, false));

    /// <summary>Enters a map key.</summary>
    public void PushKey(string key) => _segments.Add((key, true));

    /// <summary>Leaves the segment entered last.</summary>
    public void Pop() => _segments.RemoveAt(_segments.Count - 1);

    /// <summary>An empty list to gather fields or entries in, until <see cref="ReturnFields"/>.</summary>
    public List<KeyValuePair<string, JsonNode?>> RentFields() => _free.TryPop(out var list) ? list : new List<KeyValuePair<string, JsonNode?>>(16);

    /// <summary>Gives a list back once its fields were copied out (it is emptied: the nodes are not kept alive).</summary>
    public void ReturnFields(List<KeyValuePair<string, JsonNode?>> list)
    {
        list.Clear();
        _free.Push(list);
    }

    /// <summary>
    /// The path as the decoder's message names it: fields joined by dots from the root's first field on, and a map key
    /// always after a dot (<c>spec.template.metadata.labels.app</c>, <c>status.capacity.cpu</c>).
    /// </summary>
    public override string ToString()
    {
        var text = "";
        foreach (var (name, key) in _segments)
        {
            text = key || text.Length > 0 ? text + "." + name : name;
        }

        return text;
    }
}

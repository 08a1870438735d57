using System.Globalization;

namespace TinyImage.Bench;

/// <summary>Flags as <c>--name value</c> pairs.</summary>
internal sealed class Args(IReadOnlyList<string> args)
{
    public string? Optional(string name)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }

    public string Required(string name) => Optional(name) ?? throw new ArgumentException(name + " is required");

    public int Int(string name, int fallback) => Optional(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public IReadOnlyList<int> Ints(string name, IReadOnlyList<int> fallback) =>
        Optional(name) is { } v ? [.. v.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : fallback;

    public bool Flag(string name) => args.Contains(name);
}

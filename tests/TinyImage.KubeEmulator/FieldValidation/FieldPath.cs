using System.Globalization;
using System.Text;

namespace TinyImage.KubeEmulator.FieldValidation;

/// <summary>
/// The path of the field a walk is at (<c>spec.ports[0].name</c>), kept as a stack of segments and spelled out only
/// when a field is reported: the walk of a valid object builds no strings.
/// </summary>
internal sealed class FieldPath
{
    private readonly List<(string? Key, int Index)> _segments = [];

    public void Push(string key) => _segments.Add((key, 0));

    public void Push(int index) => _segments.Add((null, index));

    public void Pop() => _segments.RemoveAt(_segments.Count - 1);

    public override string ToString()
    {
        var b = new StringBuilder();
        foreach (var (key, index) in _segments)
        {
            if (key is null)
            {
                b.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                b.Append(b.Length == 0 ? "" : ".").Append(key);
            }
        }

        return b.ToString();
    }
}

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// The service IP allocator's record of which Service holds which clusterIP (the real server keeps it in its IP allocator,
/// pkg/registry/core/service/ipallocator), kept up to date at every commit of a Service. A new Service gets the lowest free
/// address from the tenth of the range on; the scan starts at the lowest address that may be free (every address below it
/// is held), so allocating the thousandth Service does not try the 999 held before it. Used under the store's lock.
/// </summary>
internal sealed class ClusterIpRecord
{
    private const uint CidrBase = (10u << 24) | (96u << 16);
    private const uint CidrSize = 1u << 20;
    private const uint FirstOffset = 10;

    private readonly Dictionary<string, string> _holders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _ipOf = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, string> _heldOffsets = [];

    // Every offset in [FirstOffset, _scanFrom) is held: the lowest free one is at or above it.
    private uint _scanFrom = FirstOffset;

    /// <summary>The storage key (<c>namespace/name</c>) of the Service that holds <paramref name="ip"/>, or null.</summary>
    public string? Holder(string ip) => _holders.GetValueOrDefault(ip);

    /// <summary>Records that the Service <paramref name="key"/> now holds <paramref name="ip"/> (null or "None": none; also on delete).</summary>
    public void Set(string key, string? ip)
    {
        if (_ipOf.Remove(key, out var previous) && _holders.GetValueOrDefault(previous) == key)
        {
            _holders.Remove(previous);
            if (Offset(previous) is { } released)
            {
                _heldOffsets.Remove(released);
                _scanFrom = Math.Min(_scanFrom, released);
            }
        }

        if (ip is { Length: > 0 } && ip != "None")
        {
            _holders[ip] = key;
            _ipOf[key] = ip;
            if (Offset(ip) is { } held)
            {
                _heldOffsets[held] = key;
            }
        }
    }

    /// <summary>
    /// The lowest free clusterIP for the Service <paramref name="key"/> (an address it holds itself counts as free); throws when
    /// the range is exhausted.
    /// </summary>
    public string NextFree(string key)
    {
        if (_ipOf.TryGetValue(key, out var own) && Offset(own) is { } owned && owned < _scanFrom)
        {
            // Its own address lies below every free one.
            return Format(CidrBase + owned);
        }

        for (var offset = _scanFrom; offset < CidrSize - 1; offset++)
        {
            if (!_heldOffsets.TryGetValue(offset, out var holder) || holder == key)
            {
                // Every offset below this one is held by another Service: nothing below it can be free.
                _scanFrom = offset;
                return Format(CidrBase + offset);
            }
        }

        throw new InvalidOperationException("service CIDR exhausted");
    }

    /// <summary>The offset of an IPv4 address in the service range (as written by <see cref="Format"/>), or null.</summary>
    private static uint? Offset(string ip)
    {
        var parts = ip.Split('.');
        if (parts.Length != 4)
        {
            return null;
        }

        uint value = 0;
        foreach (var part in parts)
        {
            if (!byte.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var b))
            {
                return null;
            }

            value = (value << 8) | b;
        }

        return value > CidrBase && value < CidrBase + CidrSize - 1 ? value - CidrBase : null;
    }

    internal static string Format(uint v) => $"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}";
}

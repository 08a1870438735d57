using System.Net;
using System.Net.Sockets;

namespace TinyImage.Oci;

/// <summary>
/// Where the registry client may connect: every registry host, redirect target and token realm is checked against a
/// deny-list of addresses a tenant must not reach through the operator (loopback, link-local with the cloud metadata
/// endpoints, unspecified, multicast and broadcast, the IPv4-mapped, IPv4-compatible and NAT64 forms of those, and the
/// cluster ranges the admin adds). The check runs on the <em>resolved</em> addresses, at connect time
/// (<see cref="ConnectAsync"/> is the handler's <see cref="SocketsHttpHandler.ConnectCallback"/>), so a name that
/// resolves to 127.0.0.1 is refused and DNS cannot change its answer between the check and the connect. The admin's
/// allow-list (host names, <c>*.suffix</c> wildcards, CIDRs) lets in-cluster registries through.
/// </summary>
public sealed class OutboundPolicy
{
    private static readonly (IPNetwork Network, string Name)[] BuiltInDenied =
    [
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified (this host)"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local (cloud metadata)"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("255.255.255.255/32"), "broadcast"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("::/128"), "unspecified (this host)"),
        (IPNetwork.Parse("::/96"), "IPv4-compatible"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fd00:ec2::254/128"), "link-local (cloud metadata)"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private static readonly IPNetwork V4Compatible = IPNetwork.Parse("::/96");

    private readonly string[] allowedHosts;
    private readonly IPNetwork[] allowedNetworks;
    private readonly IPNetwork[] deniedNetworks;

    private OutboundPolicy(string[] allowedHosts, IPNetwork[] allowedNetworks, IPNetwork[] deniedNetworks)
    {
        this.allowedHosts = allowedHosts;
        this.allowedNetworks = allowedNetworks;
        this.deniedNetworks = deniedNetworks;
    }

    /// <summary>The default: the built-in deny-list, no cluster ranges, an empty allow-list.</summary>
    public static OutboundPolicy Default { get; } = new([], [], []);

    /// <summary>The allow-list as given (host names, <c>*.suffix</c>, CIDRs).</summary>
    public IReadOnlyList<string> Allowed => [.. allowedHosts, .. allowedNetworks.Select(n => n.ToString())];

    /// <summary>The admin's deny CIDRs (beside the built-in ones).</summary>
    public IReadOnlyList<string> DeniedCidrs => [.. deniedNetworks.Select(n => n.ToString())];

    /// <summary>
    /// Builds a policy. <paramref name="allow"/>: host names (exact, case-insensitive, without port), <c>*.example.com</c>
    /// (any name under it), or CIDRs / single addresses. <paramref name="denyCidrs"/>: extra ranges to refuse, e.g. the pod
    /// and service CIDRs. <paramref name="error"/> is a sentence naming the first unusable entry.
    /// </summary>
    public static bool TryCreate(IEnumerable<string> allow, IEnumerable<string> denyCidrs, out OutboundPolicy policy, out string? error)
    {
        policy = Default;
        var hosts = new List<string>();
        var networks = new List<IPNetwork>();
        foreach (var raw in allow)
        {
            var entry = raw.Trim();
            if (TryParseNetwork(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IsHostPattern(entry))
            {
                hosts.Add(entry.ToLowerInvariant());
            }
            else
            {
                error = $"'{entry}' is neither a host name, a *.domain pattern nor a CIDR";
                return false;
            }
        }

        var denied = new List<IPNetwork>();
        foreach (var raw in denyCidrs)
        {
            var entry = raw.Trim();
            if (!TryParseNetwork(entry, out var network))
            {
                error = $"'{entry}' is not a CIDR (e.g. 10.96.0.0/12)";
                return false;
            }

            denied.Add(network);
        }

        error = null;
        if (hosts.Count == 0 && networks.Count == 0 && denied.Count == 0)
        {
            return true;
        }

        policy = new OutboundPolicy([.. hosts.Distinct(StringComparer.Ordinal)], [.. networks.Distinct()], [.. denied.Distinct()]);
        return true;
    }

    /// <summary>Like <see cref="TryCreate"/>, throwing <see cref="ArgumentException"/> on an unusable entry.</summary>
    public static OutboundPolicy Create(IEnumerable<string> allow, IEnumerable<string>? denyCidrs = null) =>
        TryCreate(allow, denyCidrs ?? [], out var policy, out var error) ? policy : throw new ArgumentException(error, nameof(allow));

    /// <summary>
    /// True when <paramref name="host"/> (a name or address, without port) is on the allow-list: a name listed (or under a
    /// listed <c>*.domain</c>), or an address literal inside an allowed CIDR.
    /// </summary>
    public bool AllowsHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        if (IPAddress.TryParse(name, out var literal))
        {
            return Forms(literal).Any(a => allowedNetworks.Any(n => n.Contains(a)));
        }

        foreach (var entry in allowedHosts)
        {
            if (entry.StartsWith("*.", StringComparison.Ordinal)
                ? name.EndsWith(entry[1..], StringComparison.Ordinal) && name.Length > entry.Length - 1
                : string.Equals(entry, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why <paramref name="address"/> may not be reached, or null when it may.</summary>
    public string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var candidates = Forms(address);
        foreach (var candidate in candidates)
        {
            if (allowedNetworks.Any(n => n.Contains(candidate)))
            {
                return null;
            }
        }

        foreach (var candidate in candidates)
        {
            foreach (var (network, name) in BuiltInDenied)
            {
                if (network.Contains(candidate))
                {
                    return $"{address} is {name} ({network})";
                }
            }

            foreach (var network in deniedNetworks)
            {
                if (network.Contains(candidate))
                {
                    return $"{address} is in the denied cluster range {network}";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The check before a request leaves (the registry, each redirect hop, the token realm): a host on the allow-list passes;
    /// an address literal is checked now; a name is checked on its resolved addresses when the connection opens.
    /// </summary>
    public string? RefusalBeforeResolving(string host)
    {
        if (AllowsHost(host))
        {
            return null;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) ? Refusal(address) : null;
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, keeps only the addresses the policy allows
    /// (all of them for a host on the allow-list by name), and connects to the first that answers. When no address is
    /// allowed it throws <see cref="OutboundRefusedException"/> without opening any socket.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        var byName = AllowsHost(endpoint.Host);
        var allowed = new List<IPAddress>();
        string? firstRefusal = null;
        foreach (var address in addresses)
        {
            var refusal = byName ? null : Refusal(address);
            if (refusal is null)
            {
                allowed.Add(address);
            }
            else
            {
                firstRefusal ??= refusal;
            }
        }

        if (allowed.Count == 0)
        {
            throw new OutboundRefusedException(endpoint.Host, firstRefusal ?? "it resolves to no address");
        }

        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>The address and what it embeds: the IPv4 address of an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address.</summary>
    private static IPAddress[] Forms(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return [address];
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return [address, address.MapToIPv4()];
        }

        if (Nat64.Contains(address) || V4Compatible.Contains(address))
        {
            var bytes = address.GetAddressBytes();
            return [address, new IPAddress(bytes.AsSpan(12, 4))];
        }

        return [address];
    }

    private static bool TryParseNetwork(string text, out IPNetwork network)
    {
        if (text.Contains('/', StringComparison.Ordinal))
        {
            // IPNetwork.TryParse refuses host bits set (10.0.0.1/8); an admin may well write that, so mask them off.
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (IPAddress.TryParse(text[..slash], out var baseAddress)
                && int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)
                && prefix >= 0 && prefix <= (baseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
            {
                network = new IPNetwork(Mask(baseAddress, prefix), prefix);
                return true;
            }

            network = default;
            return false;
        }

        if (IPAddress.TryParse(text.Trim('[', ']'), out var single) && !IsHostPattern(text))
        {
            network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        network = default;
        return false;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }

        return new IPAddress(bytes);
    }

    /// <summary>A DNS name (letters, digits, hyphens, dots), optionally <c>*.</c> in front; not all digits and dots.</summary>
    private static bool IsHostPattern(string text)
    {
        var name = text.StartsWith("*.", StringComparison.Ordinal) ? text[2..] : text;
        if (name.Length is 0 or > 253 || name.StartsWith('.') || name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        var hasLetter = false;
        foreach (var c in name)
        {
            if (char.IsAsciiLetter(c) || c == '-')
            {
                hasLetter = true;
            }
            else if (!char.IsAsciiDigit(c) && c != '.')
            {
                return false;
            }
        }

        return hasLetter;
    }
}

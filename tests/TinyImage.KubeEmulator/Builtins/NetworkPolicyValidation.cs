using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// ValidateNetworkPolicySpec of kube-apiserver v1.35 (pkg/apis/networking/validation/validation.go): ports (protocol,
/// number or name, endPort), peers (at least one selector or an ipBlock, never an ipBlock with another peer), label
/// selectors, ipBlock CIDRs and their excepts (a strict subset), policyTypes. On update, a CIDR the stored policy
/// already had is not validated again (ValidateNetworkPolicyUpdate).
/// </summary>
internal static class NetworkPolicyValidation
{
    public static void Validate(JsonObject policy, JsonObject? old, List<FieldError> errors)
    {
        var spec = policy["spec"] as JsonObject ?? [];
        var existing = old is null ? [] : ExistingCidrs(old["spec"] as JsonObject ?? []);
        LabelSelector(spec["podSelector"] as JsonObject, "spec.podSelector", errors);
        foreach (var (rules, direction, peers) in new[] { ("ingress", "ingress", "from"), ("egress", "egress", "to") })
        {
            var i = 0;
            foreach (var rule in Defaults.Items(spec[rules]))
            {
                var path = $"spec.{direction}[{i++}]";
                var p = 0;
                foreach (var port in Defaults.Items(rule["ports"]))
                {
                    Port(port, $"{path}.ports[{p++}]", errors);
                }

                var q = 0;
                foreach (var peer in Defaults.Items(rule[peers]))
                {
                    Peer(peer, $"{path}.{peers}[{q++}]", existing, errors);
                }
            }
        }

        var types = spec["policyTypes"] as JsonArray ?? [];
        if (types.Count > 2)
        {
            errors.Add(FieldError.Invalid("spec.policyTypes", types.DeepClone(), "may not specify more than two policyTypes"));
            return;
        }

        for (var t = 0; t < types.Count; t++)
        {
            var type = (string?)types[t] ?? "";
            if (type is not ("Ingress" or "Egress"))
            {
                errors.Add(new FieldError($"spec.policyTypes[{t}]", "Unsupported value", "FieldValueNotSupported", Quote(type), "supported values: \"Ingress\", \"Egress\""));
            }
        }
    }

    private static void Port(JsonObject port, string path, List<FieldError> errors)
    {
        if ((string?)port["protocol"] is { } protocol && protocol is not ("TCP" or "UDP" or "SCTP"))
        {
            errors.Add(new FieldError(path + ".protocol", "Unsupported value", "FieldValueNotSupported", Quote(protocol), "supported values: \"TCP\", \"UDP\", \"SCTP\""));
        }

        var endPort = JsonNumbers.Long(port["endPort"]);
        switch (port["port"])
        {
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                var number = JsonNumbers.Long(v) ?? 0;
                if (number is < 1 or > 65535)
                {
                    errors.Add(FieldError.Invalid(path + ".port", v.DeepClone(), "must be between 1 and 65535, inclusive"));
                }

                if (endPort is { } end)
                {
                    if (end < number)
                    {
                        errors.Add(FieldError.Invalid(path + ".endPort", JsonValue.Create(end), "must be greater than or equal to `port`"));
                    }

                    if (end is < 1 or > 65535)
                    {
                        errors.Add(FieldError.Invalid(path + ".endPort", JsonValue.Create(end), "must be between 1 and 65535, inclusive"));
                    }
                }

                break;
            case JsonValue v:
                var name = v.GetValue<string>();
                if (endPort is { } e)
                {
                    errors.Add(FieldError.Invalid(path + ".endPort", JsonValue.Create(e), "may not be specified when `port` is non-numeric"));
                }

                foreach (var message in PortName(name))
                {
                    errors.Add(FieldError.Invalid(path + ".port", name, message));
                }

                break;
            default:
                if (endPort is { } only)
                {
                    errors.Add(FieldError.Invalid(path + ".endPort", JsonValue.Create(only), "may not be specified when `port` is not specified"));
                }

                break;
        }
    }

    private static void Peer(JsonObject peer, string path, HashSet<string> existing, List<FieldError> errors)
    {
        var count = 0;
        if (peer["podSelector"] is JsonObject pods)
        {
            count++;
            LabelSelector(pods, path + ".podSelector", errors);
        }

        if (peer["namespaceSelector"] is JsonObject namespaces)
        {
            count++;
            LabelSelector(namespaces, path + ".namespaceSelector", errors);
        }

        if (peer["ipBlock"] is JsonObject block)
        {
            count++;
            IpBlock(block, path + ".ipBlock", existing, errors);
        }

        if (count == 0)
        {
            errors.Add(FieldError.Required(path, "must specify a peer"));
        }
        else if (count > 1 && peer["ipBlock"] is not null)
        {
            errors.Add(FieldError.Forbidden(path, "may not specify both ipBlock and another peer"));
        }
    }

    private static void IpBlock(JsonObject block, string path, HashSet<string> existing, List<FieldError> errors)
    {
        var cidr = (string?)block["cidr"] ?? "";
        if (cidr.Length == 0)
        {
            errors.Add(FieldError.Required(path + ".cidr"));
            return;
        }

        var parsed = Cidr(cidr, path + ".cidr", existing, errors);
        var i = 0;
        foreach (var node in block["except"] as JsonArray ?? [])
        {
            var exceptPath = $"{path}.except[{i++}]";
            var text = (string?)node ?? "";
            if (Cidr(text, exceptPath, existing, errors) is not { } except || parsed is not { } outer)
            {
                continue;
            }

            if (!outer.Contains(except.BaseAddress) || outer.PrefixLength >= except.PrefixLength)
            {
                errors.Add(FieldError.Invalid(exceptPath, text, "must be a strict subset of `cidr`"));
            }
        }
    }

    /// <summary>IsValidCIDRForLegacyField: an address and a prefix length (a CIDR the stored object had passes as it is).</summary>
    private static IPNetwork? Cidr(string text, string path, HashSet<string> existing, List<FieldError> errors)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && IPAddress.TryParse(text[..slash], out var address)
            && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            && int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)
            && prefix <= (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            && !text[..slash].Contains('%', StringComparison.Ordinal))
        {
            // ParseCIDRSloppy masks the address: 10.1.2.3/8 is the network 10.0.0.0/8.
            return new IPNetwork(Mask(address, prefix), prefix);
        }

        if (!existing.Contains(text))
        {
            errors.Add(FieldError.Invalid(path, text, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
        }

        return null;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var b = 0; b < bytes.Length; b++)
        {
            var keep = Math.Clamp(prefix - (b * 8), 0, 8);
            bytes[b] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    /// <summary>ValidateLabelSelector: operators, values, and qualified keys and label values.</summary>
    private static void LabelSelector(JsonObject? selector, string path, List<FieldError> errors)
    {
        if (selector is null)
        {
            return;
        }

        var i = 0;
        foreach (var expression in Defaults.Items(selector["matchExpressions"]))
        {
            var at = $"{path}.matchExpressions[{i++}]";
            var op = (string?)expression["operator"] ?? "";
            var values = expression["values"] as JsonArray ?? [];
            switch (op)
            {
                case "In" or "NotIn" when values.Count == 0:
                    errors.Add(FieldError.Required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                    break;
                case "Exists" or "DoesNotExist" when values.Count > 0:
                    errors.Add(FieldError.Forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    break;
                case "In" or "NotIn" or "Exists" or "DoesNotExist":
                    break;
                default:
                    errors.Add(FieldError.Invalid(at + ".operator", op, "not a valid selector operator"));
                    break;
            }

            Key((string?)expression["key"] ?? "", at + ".key", errors);
        }

        foreach (var (key, value) in selector["matchLabels"] as JsonObject ?? [])
        {
            Key(key, path + ".matchLabels", errors);
            foreach (var message in NameRules.LabelValue((string?)value ?? ""))
            {
                errors.Add(FieldError.Invalid(path + ".matchLabels", (string?)value ?? "", message));
            }
        }
    }

    private static void Key(string key, string path, List<FieldError> errors)
    {
        foreach (var message in Validation.QualifiedNameErrors(key))
        {
            errors.Add(FieldError.Invalid(path, key, message));
        }
    }

    /// <summary>IsValidPortName: an IANA_SVC_NAME, 1-15 lowercase alphanumerics or '-', a letter among them, no '--', no '-' at either end.</summary>
    private static List<string> PortName(string name)
    {
        var errs = new List<string>();
        if (name.Length is < 1 or > 15)
        {
            errs.Add("must be no more than 15 characters");
        }

        if (!name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            errs.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }

        if (name.Contains("--", StringComparison.Ordinal))
        {
            errs.Add("must not contain consecutive hyphens");
        }

        if (!name.Any(c => c is >= 'a' and <= 'z'))
        {
            errs.Add("must contain at least one letter (a-z)");
        }

        if (name.StartsWith('-') || name.EndsWith('-'))
        {
            errs.Add("must not begin or end with a hyphen");
        }

        return errs;
    }

    private static HashSet<string> ExistingCidrs(JsonObject spec)
    {
        var cidrs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (rules, peers) in new[] { ("ingress", "from"), ("egress", "to") })
        {
            foreach (var peer in Defaults.Items(spec[rules]).SelectMany(r => Defaults.Items(r[peers])))
            {
                if (peer["ipBlock"] is JsonObject block)
                {
                    cidrs.Add((string?)block["cidr"] ?? "");
                    foreach (var except in block["except"] as JsonArray ?? [])
                    {
                        cidrs.Add((string?)except ?? "");
                    }
                }
            }
        }

        return cidrs;
    }

    private static string Quote(string s) => GoQuote.Quote(s);
}

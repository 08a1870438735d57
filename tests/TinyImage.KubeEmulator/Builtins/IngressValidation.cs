using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// networking.k8s.io/v1 Ingress validation on create and update, from Kubernetes v1.35
/// pkg/apis/networking/validation/validation.go (<c>ValidateIngressSpec</c>, <c>validateIngressRules</c>,
/// <c>validateHTTPIngressPath</c>, <c>validateIngressBackend</c>, <c>validateIngressTLS</c>) for requests in v1: either
/// <c>defaultBackend</c> or <c>rules</c>; a rule host is a DNS name (wildcard <c>*.</c> allowed), not an IP; an http rule
/// has paths; each path has a supported pathType and, for Exact and Prefix, an absolute path without <c>//</c>,
/// <c>/./</c>, <c>/../</c>, <c>%2f</c>, <c>%2F</c> and not ending in <c>/..</c> or <c>/.</c>; a backend is exactly one of
/// service or resource, a service backend names a DNS-1035 Service and exactly one valid port name or number;
/// <c>ingressClassName</c> and TLS secret names are DNS subdomains. The annotation/class conflict rule and status
/// validation are not carried.
/// </summary>
internal static class IngressValidation
{
    private static readonly string[] InvalidPathSequences = ["//", "/./", "/../", "%2f", "%2F"];
    private static readonly string[] InvalidPathSuffixes = ["/..", "/."];

    public static void Validate(JsonObject ingress, List<FieldError> errors)
    {
        var spec = ingress["spec"] as JsonObject ?? [];
        var rules = spec["rules"] as JsonArray;
        var defaultBackend = spec["defaultBackend"] as JsonObject;
        if ((rules is null || rules.Count == 0) && defaultBackend is null)
        {
            errors.Add(FieldError.Invalid("spec", rules?.DeepClone() ?? new JsonArray(), "either `defaultBackend` or `rules` must be specified"));
        }

        if (defaultBackend is not null)
        {
            Backend(defaultBackend, "spec.defaultBackend", errors);
        }

        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            var at = "spec.rules[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var rule = rules![i] as JsonObject ?? [];
            if ((string?)rule["host"] is { Length: > 0 } host)
            {
                if (IPAddress.TryParse(host, out _) && !host.Contains('*', StringComparison.Ordinal))
                {
                    errors.Add(FieldError.Invalid(at + ".host", host, "must be a DNS name, not an IP address"));
                }

                foreach (var msg in host.Contains('*', StringComparison.Ordinal) ? WildcardSubdomain(host) : NameRules.Dns1123Subdomain(host))
                {
                    errors.Add(FieldError.Invalid(at + ".host", host, msg));
                }
            }

            if (rule["http"] is not JsonObject http)
            {
                continue;
            }

            var paths = http["paths"] as JsonArray;
            if (paths is null || paths.Count == 0)
            {
                errors.Add(FieldError.Required(at + ".http.paths"));
            }

            for (var p = 0; p < (paths?.Count ?? 0); p++)
            {
                Path(paths![p] as JsonObject ?? [], at + ".http.paths[" + p.ToString(CultureInfo.InvariantCulture) + "]", errors);
            }
        }

        var tls = spec["tls"] as JsonArray ?? [];
        for (var t = 0; t < tls.Count; t++)
        {
            var at = "spec.tls[" + t.ToString(CultureInfo.InvariantCulture) + "]";
            var hosts = tls[t]?["hosts"] as JsonArray ?? [];
            for (var h = 0; h < hosts.Count; h++)
            {
                var host = (string?)hosts[h] ?? "";
                foreach (var msg in host.Contains('*', StringComparison.Ordinal) ? WildcardSubdomain(host) : NameRules.Dns1123Subdomain(host))
                {
                    errors.Add(FieldError.Invalid(at + ".hosts[" + h.ToString(CultureInfo.InvariantCulture) + "]", host, msg));
                }
            }

            if ((string?)tls[t]?["secretName"] is { Length: > 0 } secretName)
            {
                foreach (var msg in NameRules.Dns1123Subdomain(secretName))
                {
                    errors.Add(FieldError.Invalid(at + ".secretName", secretName, msg));
                }
            }
        }

        if ((string?)spec["ingressClassName"] is { } className)
        {
            foreach (var msg in NameRules.Dns1123Subdomain(className))
            {
                errors.Add(FieldError.Invalid("spec.ingressClassName", className, msg));
            }
        }
    }

    private static void Path(JsonObject path, string at, List<FieldError> errors)
    {
        if ((string?)path["pathType"] is not { } pathType)
        {
            errors.Add(FieldError.Required(at + ".pathType", "pathType must be specified"));
            return;
        }

        var value = (string?)path["path"] ?? "";
        switch (pathType)
        {
            case "Exact" or "Prefix":
                if (!value.StartsWith('/'))
                {
                    errors.Add(FieldError.Invalid(at + ".path", value, "must be an absolute path"));
                }

                if (value.Length > 0)
                {
                    foreach (var seq in InvalidPathSequences.Where(s => value.Contains(s, StringComparison.Ordinal)))
                    {
                        errors.Add(FieldError.Invalid(at + ".path", value, "must not contain '" + seq + "'"));
                    }

                    foreach (var suffix in InvalidPathSuffixes.Where(s => value.EndsWith(s, StringComparison.Ordinal)))
                    {
                        errors.Add(FieldError.Invalid(at + ".path", value, "cannot end with '" + suffix + "'"));
                    }
                }

                break;
            case "ImplementationSpecific":
                if (value.Length > 0 && !value.StartsWith('/'))
                {
                    errors.Add(FieldError.Invalid(at + ".path", value, "must be an absolute path"));
                }

                break;
            default:
                errors.Add(new FieldError(at + ".pathType", "Unsupported value", "FieldValueNotSupported",
                    GoQuote.Quote(pathType),
                    "supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""));
                break;
        }

        Backend(path["backend"] as JsonObject ?? [], at + ".backend", errors);
    }

    private static void Backend(JsonObject backend, string at, List<FieldError> errors)
    {
        var service = backend["service"] as JsonObject;
        var resource = backend["resource"] as JsonObject;
        if (service is not null && resource is not null)
        {
            errors.Add(FieldError.Invalid(at, "", "cannot set both resource and service backends"));
            return;
        }

        if (resource is not null)
        {
            if ((string?)resource["kind"] is not { Length: > 0 })
            {
                errors.Add(FieldError.Required(at + ".resource.kind", "kind is required"));
            }

            if ((string?)resource["name"] is not { Length: > 0 })
            {
                errors.Add(FieldError.Required(at + ".resource.name", "name is required"));
            }

            return;
        }

        if (service is null)
        {
            errors.Add(FieldError.Invalid(at, "", "resource or service backend is required"));
            return;
        }

        var name = (string?)service["name"] ?? "";
        if (name.Length == 0)
        {
            errors.Add(FieldError.Required(at + ".service.name"));
        }
        else
        {
            foreach (var msg in NameRules.Dns1035Label(name))
            {
                errors.Add(FieldError.Invalid(at + ".service.name", name, msg));
            }
        }

        var portName = (string?)service["port"]?["name"] ?? "";
        var portNumber = JsonNumbers.Long(service["port"]?["number"]) ?? 0;
        if (portName.Length > 0 && portNumber != 0)
        {
            errors.Add(FieldError.Invalid(at, "", "cannot set both port name & port number"));
        }
        else if (portName.Length > 0)
        {
            foreach (var msg in PortName(portName))
            {
                errors.Add(FieldError.Invalid(at + ".service.port.name", portName, msg));
            }
        }
        else if (portNumber != 0)
        {
            if (portNumber is < 1 or > 65535)
            {
                errors.Add(FieldError.Invalid(at + ".service.port.number", portNumber.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
            }
        }
        else
        {
            errors.Add(FieldError.Required(at, "port name or number is required"));
        }
    }

    /// <summary>IsWildcardDNS1123Subdomain (k8s.io/apimachinery/pkg/util/validation).</summary>
    private static List<string> WildcardSubdomain(string value)
    {
        var errs = new List<string>();
        if (value.Length > 253)
        {
            errs.Add("must be no more than 253 characters");
        }

        if (!value.StartsWith("*.", StringComparison.Ordinal) || NameRules.Dns1123Subdomain(value[2..]).Count > 0)
        {
            errs.Add("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        }

        return errs;
    }

    /// <summary>IsValidPortName (k8s.io/apimachinery/pkg/util/validation).</summary>
    private static List<string> PortName(string port)
    {
        var errs = new List<string>();
        if (port.Length > 15)
        {
            errs.Add("must be no more than 15 characters");
        }

        if (!port.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            errs.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }

        if (!port.Any(c => c is >= 'a' and <= 'z'))
        {
            errs.Add("must contain at least one letter (a-z)");
        }

        if (port.Contains("--", StringComparison.Ordinal))
        {
            errs.Add("must not contain consecutive hyphens");
        }

        if (port.StartsWith('-') || port.EndsWith('-'))
        {
            errs.Add("must not begin or end with a hyphen");
        }

        return errs;
    }
}

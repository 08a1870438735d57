using System.Globalization;
using Microsoft.Extensions.Logging;
using TinyImage.Oci;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Hosting;

/// <summary>The <c>run</c> verb's flags: where the cluster is, and the operator's options.</summary>
internal sealed record RunArguments(OperatorOptions Options, string? Kubeconfig, string? Context, bool Help)
{
    /// <summary>The lowest level logged (<c>--log-level</c>).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Single-line JSON logs (default) or plain text (<c>--log-format=text</c>).</summary>
    public bool JsonLogs { get; init; } = true;

    public const string Usage = """
        Usage: tinyimage-operator [run] [flags]

        Runs the operator against the cluster of the current kubeconfig (or in-cluster).

          --kubeconfig PATH          kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)
          --context NAME             kubeconfig context (default: the current context)
          --namespace NS             watch this namespace; repeat or comma-separate for several (default: all)
          --operator-namespace NS    where the leader-election Lease lives (default: $POD_NAMESPACE or tinyimage-system)
          --kaniko-image IMAGE       Kaniko executor image
          --builder-image IMAGE      default Rust builder image (musl)
          --gnu-builder-image IMAGE  default Rust builder image for build.libc gnu
          --leader-elect=true|false  elect one active replica with a Lease (default: true)
          --concurrency N            TinyImages reconciled in parallel (default: 4)
          --verify-concurrency N     image verifications run at once, beside the reconcilers, fair across namespaces
                                     (default: 2)
          --verify-timeout DURATION  how long one verification may read its image, every body included (default: 5m)
          --max-concurrent-builds N  build Jobs running at once across the cluster; more wait as BuildQueued, oldest
                                     first (default: 8; 0: unlimited)
          --max-concurrent-builds-per-namespace N  build Jobs running at once in one namespace (default: 4;
                                     0: unlimited)
          --toolchain-check-interval DURATION  how often toolchain tags are resolved again for TinyImages with
                                     spec.build.rebuildOnToolchainUpdate, e.g. 12h (default: 24h; at least 1m)
          --cargo-auditable-version V  the cargo-auditable release installed when a TinyImage names none
                                     (MAJOR.MINOR.PATCH; default: 0.7.7)
          --resync DURATION          re-check every TinyImage this often, e.g. 10m, 30s (default: 10m)
          --build-history N          finished build Jobs kept per TinyImage (default: 3)
          --metrics-port N           port of /metrics, /healthz and /readyz (default: 8080)
          --webhook-port N           receive GitHub/GitLab push webhooks on POST /hooks/git at this port (default: off)
          --temp-dir DIR             writable directory for verification's temporary files (default: $TMPDIR, else /tmp)
          --registry-allow HOST|CIDR registry host (or *.domain) or address range verification may reach although it is
                                     loopback, link-local or a denied cluster range; repeat for several (default: none)
          --deny-cidr CIDR           a cluster range verification must not reach, e.g. the pod and service CIDRs; repeat
                                     for several (loopback, link-local and metadata addresses are always denied)
          --allow-builder-image IMG  a builder image (exact, or a prefix ending in *) TinyImages may name besides the
                                     defaults; repeat for several (default: only the defaults)
          --allow-kaniko-image IMG   the same for spec.build.kanikoImage (default: only --kaniko-image)
          --allow-service-type TYPE  a Service type TinyImages may ask for; repeat (default: ClusterIP)
          --allow-insecure-registry HOST  a registry (host[:port] or *.domain) TinyImages may mark output.insecure;
                                     repeat (default: none)
          --allow-build-service-account, --allow-build-node-selector, --allow-build-tolerations =true|false
                                     whether a TinyImage may set these on its build pod (default: false)
          --build-runtime-class NAME RuntimeClass of build pods, e.g. gvisor (default: the node's runtime)
          --build-requests LIST      Kaniko's requests when a TinyImage sets none (default: cpu=250m,memory=512Mi)
          --build-limits LIST        Kaniko's limits when a TinyImage sets none (default: cpu=2,memory=4Gi)
          --build-network-policy=true|false  write a NetworkPolicy NAME-build for build pods (default: true)
          --build-egress JSON        its egress rules, a JSON list of NetworkPolicyEgressRule (default: DNS to kube-dns,
                                     TCP 80/443 to public addresses)
          --advisory-db DIR|URL      RustSec advisory database for verify.advisories: a directory (crates/, rust/) or an
                                     https:// URL of its tar.gz; a failed refresh keeps the last good database
          --advisory-db-refresh DUR  how often the advisory database is reloaded or refetched (default: 1h; 0: once)
          --route-hostnames NAMES    hostnames deploy.route may use: exact or *.domain; repeat or comma-separate
                                     (default: none, so no route is created)
          --log-format json|text     JSON lines with UTC timestamps, or plain text for humans (default: json)
          --log-level LEVEL          Trace, Debug, Information, Warning or Error (default: Information)
        """;

    /// <summary>Parses flags (<c>--flag value</c> or <c>--flag=value</c>); an error is a sentence for the user.</summary>
    public static (RunArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var options = new OperatorOptions();
        var namespaces = new List<string>();
        string? kubeconfig = null;
        string? context = null;
        var operatorNamespace = environment("POD_NAMESPACE");
        var logLevel = LogLevel.Information;
        var jsonLogs = true;
        var registryAllow = new List<string>();
        var denyCidrs = new List<string>();
        var builderImages = new List<string>();
        var kanikoImages = new List<string>();
        var serviceTypes = new List<string>();
        var insecureRegistries = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                return (new RunArguments(options, null, null, Help: true), null);
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                return (null, "unexpected argument '" + arg + "'");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg : arg[..eq];
            string? inline = eq < 0 ? null : arg[(eq + 1)..];
            if (name is "--leader-elect" or "--allow-build-service-account" or "--allow-build-node-selector" or "--allow-build-tolerations" or "--build-network-policy")
            {
                var text = inline ?? "true";
                if (!bool.TryParse(text, out var on))
                {
                    return (null, name + " takes true or false, not '" + text + "'");
                }

                options = name switch
                {
                    "--leader-elect" => options with { LeaderElection = on },
                    "--build-network-policy" => options with { BuildNetworkPolicy = on },
                    "--allow-build-service-account" => options with { Policy = options.Policy with { AllowBuildServiceAccount = on } },
                    "--allow-build-node-selector" => options with { Policy = options.Policy with { AllowBuildNodeSelector = on } },
                    _ => options with { Policy = options.Policy with { AllowBuildTolerations = on } },
                };
                continue;
            }

            string value;
            if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                return (null, name + " needs a value");
            }

            switch (name)
            {
                case "--kubeconfig":
                    kubeconfig = value;
                    break;
                case "--context":
                    context = value;
                    break;
                case "--namespace":
                    namespaces.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--operator-namespace":
                    operatorNamespace = value;
                    break;
                case "--kaniko-image":
                    options = options with { KanikoImage = value };
                    break;
                case "--builder-image":
                    options = options with { BuilderImage = value };
                    break;
                case "--gnu-builder-image":
                    options = options with { GnuBuilderImage = value };
                    break;
                case "--route-hostnames":
                    foreach (var host in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!Policy.PolicyEvaluator.IsHostnamePattern(host))
                        {
                            return (null, "--route-hostnames: '" + host + "' is not a hostname or *.domain");
                        }

                        options = options with { RouteHostnames = [.. options.RouteHostnames, host.ToLowerInvariant()] };
                    }

                    break;
                case "--allow-builder-image" when value.Length > 0:
                    builderImages.Add(value);
                    break;
                case "--allow-kaniko-image" when value.Length > 0:
                    kanikoImages.Add(value);
                    break;
                case "--allow-service-type" when value is "ClusterIP" or "NodePort" or "LoadBalancer":
                    serviceTypes.Add(value);
                    break;
                case "--allow-service-type":
                    return (null, "--allow-service-type takes ClusterIP, NodePort or LoadBalancer, not '" + value + "'");
                case "--allow-insecure-registry" when value.Length > 0:
                    insecureRegistries.Add(value);
                    break;
                case "--build-runtime-class" when value.Length > 0:
                    options = options with { BuildRuntimeClassName = value };
                    break;
                case "--build-requests" or "--build-limits":
                    if (BuildPodFlags.ParseResources(value) is not { } quantities)
                    {
                        return (null, name + " takes name=quantity pairs, e.g. cpu=500m,memory=1Gi, not '" + value + "'");
                    }

                    options = options with
                    {
                        BuildResources = name == "--build-requests" ? options.BuildResources with { Requests = quantities } : options.BuildResources with { Limits = quantities },
                    };
                    break;
                case "--build-egress":
                    if (BuildPodFlags.ParseEgress(value, out var egress) is { } egressError)
                    {
                        return (null, "--build-egress: " + egressError);
                    }

                    options = options with { BuildEgress = egress };
                    break;
                case "--registry-allow":
                    registryAllow.Add(value);
                    break;
                case "--deny-cidr":
                    denyCidrs.Add(value);
                    break;
                case "--temp-dir" when value.Length > 0:
                    options = options with { TempDirectory = value };
                    break;
                case "--advisory-db" when value.Length > 0 && (!Verification.AdvisoryDatabaseRefresher.IsUrl(value) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) && (!Verification.AdvisoryDatabaseRefresher.IsUrl(value) || Uri.TryCreate(value, UriKind.Absolute, out _)):
                    options = options with { AdvisoryDatabaseDirectory = value };
                    break;
                case "--concurrency" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64:
                    options = options with { Concurrency = n };
                    break;
                case "--verify-concurrency" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64:
                    options = options with { VerifyConcurrency = n };
                    break;
                case "--verify-timeout" when TryParseDuration(value, out var d) && d >= TimeSpan.FromSeconds(1):
                    options = options with { VerifyTimeout = d };
                    break;
                case "--max-concurrent-builds" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 10000:
                    options = options with { MaxConcurrentBuilds = n };
                    break;
                case "--max-concurrent-builds-per-namespace" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 10000:
                    options = options with { MaxConcurrentBuildsPerNamespace = n };
                    break;
                case "--toolchain-check-interval" when TryParseDuration(value, out var d) && d >= TimeSpan.FromMinutes(1):
                    options = options with { ToolchainCheckInterval = d };
                    break;
                case "--cargo-auditable-version" when Api.SpecValidator.IsFullMatch(value, Api.V1Alpha1.Patterns.CrateVersion):
                    options = options with { CargoAuditableVersion = value };
                    break;
                case "--build-history" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100:
                    options = options with { BuildHistoryLimit = n };
                    break;
                case "--metrics-port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 65535:
                    options = options with { MetricsPort = n };
                    break;
                case "--webhook-port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 65535:
                    options = options with { WebhookPort = n };
                    break;
                case "--advisory-db-refresh" when TryParseDuration(value, out var d) && d >= TimeSpan.Zero:
                    options = options with { AdvisoryDatabaseRefresh = d };
                    break;
                case "--resync" when TryParseDuration(value, out var d) && d >= TimeSpan.FromSeconds(1):
                    options = options with { ResyncPeriod = d };
                    break;
                case "--log-format" when value is "json" or "text":
                    jsonLogs = value == "json";
                    break;
                case "--log-format":
                    return (null, "--log-format takes json or text, not '" + value + "'");
                case "--log-level" when TryParseLogLevel(value, out var level):
                    logLevel = level;
                    break;
                case "--log-level":
                    return (null, "--log-level takes Trace, Debug, Information, Warning or Error, not '" + value + "'");
                case "--concurrency" or "--verify-concurrency" or "--verify-timeout" or "--max-concurrent-builds" or "--max-concurrent-builds-per-namespace" or "--toolchain-check-interval" or "--cargo-auditable-version" or "--build-history" or "--metrics-port" or "--webhook-port" or "--resync" or "--temp-dir" or "--advisory-db" or "--advisory-db-refresh":
                    return (null, name + ": invalid value '" + value + "'");
                default:
                    return (null, "unknown flag " + name);
            }
        }

        if (!OutboundPolicy.TryCreate(registryAllow, [], out _, out var allowError))
        {
            return (null, "--registry-allow: " + allowError);
        }

        if (!OutboundPolicy.TryCreate(registryAllow, denyCidrs, out var outbound, out var denyError))
        {
            return (null, "--deny-cidr: " + denyError);
        }

        options = options with
        {
            WatchNamespaces = [.. namespaces.Distinct()],
            RegistryOutbound = outbound,
            Policy = options.Policy with
            {
                AllowedBuilderImages = builderImages,
                AllowedKanikoImages = kanikoImages,
                AllowedServiceTypes = serviceTypes.Count == 0 ? options.Policy.AllowedServiceTypes : [.. serviceTypes.Distinct()],
                InsecureRegistries = insecureRegistries,
            },
        };
        if (!string.IsNullOrEmpty(operatorNamespace))
        {
            options = options with { OperatorNamespace = operatorNamespace };
        }

        return (new RunArguments(options, kubeconfig, context, Help: false) { LogLevel = logLevel, JsonLogs = jsonLogs }, null);
    }

    private static bool TryParseLogLevel(string text, out LogLevel level)
    {
        level = text.ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "information" or "info" => LogLevel.Information,
            "warning" or "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.None,
        };
        return level != LogLevel.None;
    }

    /// <summary>Durations as <c>90s</c>, <c>10m</c>, <c>1h</c>, plain seconds, or <c>hh:mm:ss</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length == 0)
        {
            return false;
        }

        var unit = text[^1];
        var number = char.IsDigit(unit) ? text : text[..^1];
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
        }

        duration = unit switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ when char.IsDigit(unit) => TimeSpan.FromSeconds(value),
            _ => TimeSpan.MinValue,
        };
        return duration != TimeSpan.MinValue;
    }
}

using TinyImage.Oci;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Cli;

/// <summary>How <c>verify</c> prints the SBOM.</summary>
internal enum OutputFormat
{
    Table,
    Json,
    CycloneDx,
}

/// <summary>How <c>verify IMAGE-REF</c> reaches the registry: <c>--creds USER:PASS</c>, <c>--docker-config FILE</c>,
/// <c>--insecure</c>, <c>--ca FILE</c>, <c>--binary NAME</c>, and where layers are written while reading them (<c>--temp-dir DIR</c>).</summary>
internal sealed record RegistryAccessOptions(string? Creds, string? DockerConfigPath, bool Insecure, string? CaPath, string? Binary)
{
    /// <summary>The scratch directory for layer blobs and the extracted binary (<c>--temp-dir</c>); null: <c>$TMPDIR</c>.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>Hosts and CIDRs the registry client may reach despite the deny-list (<c>--registry-allow</c>, as the operator's flag).</summary>
    public OutboundPolicy Outbound { get; init; } = OutboundPolicy.Default;

    public static RegistryAccessOptions None { get; } = new(null, null, false, null, null);
}

/// <summary>The parsed arguments of <c>verify</c>.</summary>
internal sealed record VerifyOptions(string Target, OutputFormat Output, VerifyPolicy Policy)
{
    /// <summary>Registry access for an image reference target.</summary>
    public RegistryAccessOptions Registry { get; init; } = RegistryAccessOptions.None;

    /// <summary>The RustSec advisory database to audit against (<c>--advisory-db DIR|FILE.tar.gz</c>), or null: no audit.</summary>
    public string? AdvisoryDb { get; init; }

    /// <summary>Parses the arguments after <c>verify</c>: either options, a help request, or an error sentence.</summary>
    public static (VerifyOptions? Options, bool Help, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? target = null;
        var output = OutputFormat.Table;
        var deny = new List<string>();
        string? expectRoot = null;
        var requireSbom = true;
        var registry = RegistryAccessOptions.None;
        var allow = new List<string>();
        string? advisoryDb = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            switch (arg)
            {
                case "-h" or "--help":
                    return (null, true, null);
                case "--no-require-sbom":
                    requireSbom = false;
                    break;
                case "--insecure":
                    registry = registry with { Insecure = true };
                    break;
                case "--registry-allow":
                    var allowed = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (string.IsNullOrEmpty(allowed))
                    {
                        return (null, false, $"{arg} needs a value");
                    }

                    allow.Add(allowed);
                    break;
                case "--creds" or "--docker-config" or "--ca" or "--binary" or "--temp-dir":
                    var access = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (string.IsNullOrEmpty(access))
                    {
                        return (null, false, $"{arg} needs a value");
                    }

                    if (arg == "--creds" && access.IndexOf(':', StringComparison.Ordinal) <= 0)
                    {
                        return (null, false, "--creds needs USER:PASS");
                    }

                    registry = arg switch
                    {
                        "--creds" => registry with { Creds = access },
                        "--docker-config" => registry with { DockerConfigPath = access },
                        "--ca" => registry with { CaPath = access },
                        "--temp-dir" => registry with { TempDirectory = access },
                        _ => registry with { Binary = access },
                    };
                    break;
                case "--advisory-db":
                    advisoryDb = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (string.IsNullOrEmpty(advisoryDb))
                    {
                        return (null, false, "--advisory-db needs a value");
                    }

                    break;
                case "-o" or "--output" or "--deny" or "--expect-root":
                    var value = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (string.IsNullOrEmpty(value))
                    {
                        return (null, false, $"{arg} needs a value");
                    }

                    if (arg == "--deny")
                    {
                        deny.Add(value);
                    }
                    else if (arg == "--expect-root")
                    {
                        expectRoot = value;
                    }
                    else
                    {
                        OutputFormat? parsed = value switch
                        {
                            "table" => OutputFormat.Table,
                            "json" => OutputFormat.Json,
                            "cyclonedx" => OutputFormat.CycloneDx,
                            _ => null,
                        };
                        if (parsed is null)
                        {
                            return (null, false, $"unknown output format '{value}' (table, json, cyclonedx)");
                        }

                        output = parsed.Value;
                    }

                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        return (null, false, $"unknown option '{arg}'");
                    }

                    if (target is not null)
                    {
                        return (null, false, $"one target expected, got '{target}' and '{arg}'");
                    }

                    target = arg;
                    break;
            }
        }

        if (target is null)
        {
            return (null, false, "a PATH or IMAGE-REF is required");
        }

        var policy = VerifyPolicy.Default with
        {
            RequireSbom = requireSbom,
            DenyPackages = deny,
            ExpectedRootPackage = expectRoot,
            Advisories = advisoryDb is null ? null : AdvisoryPolicy.Cli,
        };
        if (registry.Creds is not null && registry.DockerConfigPath is not null)
        {
            return (null, false, "--creds and --docker-config exclude each other");
        }

        if (!OutboundPolicy.TryCreate(allow, [], out var outbound, out var outboundError))
        {
            return (null, false, "--registry-allow: " + outboundError);
        }

        return (new VerifyOptions(target, output, policy) { Registry = registry with { Outbound = outbound }, AdvisoryDb = advisoryDb }, false, null);
    }
}

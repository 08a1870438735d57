using System.Text.Json;
using System.Text.Json.Nodes;
using TinyImage.Api;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Deploying;
using TinyImage.Yaml;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Cli;

/// <summary>
/// <c>render FILE|-</c>: reads TinyImage manifests (YAML or JSON, one or many documents) and prints, for each, what the
/// operator would create: the Kaniko build Job (the Containerfile in its pod template), the Deployment and the Service, as one
/// multi-document YAML stream. <c>render --containerfile FILE|-</c> prints the Containerfile alone.
/// Exit codes: 0 rendered, 1 the input is invalid (every problem on stderr as <c>FILE:LINE:COLUMN: PATH: MESSAGE</c>),
/// 2 usage or I/O error.
/// </summary>
/// <remarks>
/// The input is checked like the API server and the operator would: YAML syntax, apiVersion and kind, unknown fields
/// (strict, like <c>kubectl --validate=strict</c>), types, then <see cref="SpecValidator"/> (schema markers, CEL
/// rules and the injection checks: the reconciler's one validator), which prints every problem with its field. The image digest is not known before a build, so the
/// Deployment shows a placeholder digest (<c>sha256:</c> and 64 zeros); a manifest without <c>metadata.uid</c> gets a
/// placeholder uid in the owner references. The build hash here leaves out the source ConfigMap's content (render
/// does not read the cluster); the operator includes it, so its build names can differ.
/// </remarks>
internal static class RenderCommand
{
    public const string Verb = "render";
    public const int ExitRendered = 0;
    public const int ExitInvalid = 1;
    public const int ExitUsage = 2;

    public const string PlaceholderDigest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    public const string PlaceholderUid = "00000000-0000-0000-0000-000000000000";

    public const string Usage = "usage: tinyimage-operator render [--containerfile] FILE|-   (- reads standard input)";

    /// <summary>Runs the verb with its arguments (after <c>render</c>).</summary>
    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr, OperatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        options ??= new OperatorOptions();

        var containerfileOnly = false;
        string? file = null;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "-h" or "--help":
                    stdout.WriteLine(Usage);
                    return ExitRendered;
                case "--containerfile":
                    containerfileOnly = true;
                    break;
                case "-" when file is null:
                    file = arg;
                    break;
                case not null when arg.StartsWith('-'):
                    stderr.WriteLine("render: unknown option " + arg + "\n" + Usage);
                    return ExitUsage;
                case not null when file is null:
                    file = arg;
                    break;
                default:
                    stderr.WriteLine("render: only one FILE may be given\n" + Usage);
                    return ExitUsage;
            }
        }

        if (file is null)
        {
            stderr.WriteLine("render: FILE is missing\n" + Usage);
            return ExitUsage;
        }

        string text;
        var label = file == "-" ? "<stdin>" : file;
        try
        {
            text = file == "-" ? stdin.ReadToEnd() : File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine("render: cannot read " + label + ": " + e.Message);
            return ExitUsage;
        }

        var read = YamlReader.Read(text);
        if (!read.Succeeded)
        {
            stderr.WriteLine(Located(label, read.ErrorPosition, "", read.Error!));
            return ExitInvalid;
        }

        var resources = new List<(ValidTinyImage TinyImage, bool PlaceholderUid)>();
        var invalid = false;
        foreach (var document in read.Documents)
        {
            if (document.Root is null)
            {
                continue;
            }

            if (document.Root is JsonObject other && !IsTinyImageKind(other))
            {
                stderr.WriteLine(Located(label, document.PositionOf(""), "", "skipped: not a TinyImage (kind " + (StringAt(other, "kind") ?? "missing") + ")"));
                continue;
            }

            var problems = ReadTinyImage(document, out var ti, out var placeholderUid);
            foreach (var (path, message) in problems)
            {
                stderr.WriteLine(Located(label, document.PositionOf(path), path, message));
            }

            invalid |= problems.Count > 0;
            if (ti is not null && problems.Count == 0)
            {
                resources.Add((ti, placeholderUid));
            }
        }

        if (invalid)
        {
            return ExitInvalid;
        }

        if (resources.Count == 0)
        {
            stderr.WriteLine(label + ": no TinyImage (apiVersion " + TinyImageResource.ApiVersionValue + ", kind " + TinyImageResource.KindValue + ") found");
            return ExitInvalid;
        }

        if (containerfileOnly)
        {
            if (resources.Count > 1)
            {
                stderr.WriteLine("render: --containerfile needs a file with exactly one TinyImage (found " + resources.Count + ")");
                return ExitUsage;
            }

            var ti = resources[0].TinyImage;
            stdout.Write(ContainerfileGenerator.Generate(ti, RenderHash(ti, options), options));
            return ExitRendered;
        }

        var documents = new List<(JsonNode? Node, string? Comment)>();
        foreach (var (resource, placeholderUid) in resources)
        {
            documents.AddRange(Render(resource, placeholderUid, options));
        }

        YamlWriter.Write(stdout, documents);
        return ExitRendered;
    }

    /// <summary>The build hash the operator gives a first build (v2, toolchain pinned), or v1 while a toolchain tag is unresolved.</summary>
    internal static string RenderHash(ValidTinyImage ti, OperatorOptions options) =>
        PinnedBuildHash.ComputeOffline(ti, options) ?? BuildHash.Compute(ti, options);

    /// <summary>The three children of one TinyImage, with the comments that explain placeholders.</summary>
    internal static IEnumerable<(JsonNode? Node, string? Comment)> Render(ValidTinyImage ti, bool uidPlaceholder, OperatorOptions options)
    {
        var hash = RenderHash(ti, options);
        var name = ti.Name;
        var header = "TinyImage " + name + ", build hash " + hash + " (without the source's content digest, which the operator adds).";
        if (PinnedBuildHash.ComputeOffline(ti, options) is null)
        {
            header += "\nA toolchain image is named by tag: the operator resolves it to a digest when the build starts, which changes the hash.";
        }
        if (uidPlaceholder)
        {
            header += "\nThe manifest has no metadata.uid: owner references carry the placeholder uid " + PlaceholderUid + ".";
        }

        var imageRef = ti.Spec.Output.Repository + "@" + PlaceholderDigest;
        yield return (OperatorJson.ToNode(KanikoJobBuilder.BuildJob(ti, hash, options)), header + "\nThe Kaniko build Job: pushes " + KanikoJobBuilder.Destination(ti, hash)
            + " and reports the digest.\nThe generated Containerfile is its pod template's annotation " + KanikoJobBuilder.ContainerfileAnnotation + ", mounted as the file Kaniko reads.");
        yield return (OperatorJson.ToNode(DeploymentBuilder.Build(ti, imageRef, hash, options)),
            "The Deployment. The digest is a placeholder (sha256: and 64 zeros): the operator deploys the digest the build\nreports, once the image's SBOM is verified.");
        yield return (OperatorJson.ToNode(ServiceBuilder.Build(ti)), "The Service.");
    }

    /// <summary>
    /// Reads one document as a TinyImage: kind and apiVersion, unknown fields, types, the spec validator and the
    /// injection checks, all in <see cref="SpecValidator"/>. Returns every problem as (path, message); <paramref name="ti"/>
    /// is the validated TinyImage (a manifest without metadata.uid gets the placeholder uid first), null when there is any problem.
    /// </summary>
    internal static IReadOnlyList<(string Path, string Message)> ReadTinyImage(YamlDocument document, out ValidTinyImage? ti, out bool placeholderUid)
    {
        ti = null;
        placeholderUid = false;
        var problems = new List<(string, string)>();
        if (document.Root is not JsonObject root)
        {
            problems.Add(("", "a document must be a mapping (a Kubernetes object)"));
            return problems;
        }

        var kind = StringAt(root, "kind");
        var apiVersion = StringAt(root, "apiVersion");
        if (kind != TinyImageResource.KindValue)
        {
            problems.Add(("kind", "must be " + TinyImageResource.KindValue + " (found " + (kind ?? "nothing") + ")"));
            return problems;
        }

        if (apiVersion != TinyImageResource.ApiVersionValue)
        {
            problems.Add(("apiVersion", "must be " + TinyImageResource.ApiVersionValue + " (found " + (apiVersion ?? "nothing") + ")"));
            return problems;
        }

        TinyImageResource? parsed;
        try
        {
            parsed = root.Deserialize(ApiJson.TypeInfo<TinyImageResource>());
        }
        catch (JsonException e)
        {
            problems.Add((YamlPaths.FromJsonPath(e.Path), DescribeJsonError(e.Message)));
            return problems;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            // KubernetesClient's quantity converter throws these for a malformed quantity.
            problems.Add(("spec", "malformed value: " + e.Message));
            return problems;
        }

        if (parsed is null)
        {
            problems.Add(("", "the document is null"));
            return problems;
        }

        var roundTrip = ApiJson.ToNode(parsed);
        foreach (var path in UnknownFields(root, roundTrip, ""))
        {
            if (!path.StartsWith("status", StringComparison.Ordinal))
            {
                problems.Add((path, "unknown field"));
            }
        }

        var validation = SpecValidator.Validate(WithUid(parsed, out placeholderUid));
        foreach (var error in validation.Errors)
        {
            problems.Add((error.Path, error.Message));
        }

        ti = problems.Count == 0 ? validation.Valid : null;
        return problems;
    }

    /// <summary>Paths of keys present (and not null) in <paramref name="input"/> but lost in the typed round trip.</summary>
    internal static IEnumerable<string> UnknownFields(JsonNode? input, JsonNode? roundTrip, string path)
    {
        switch (input)
        {
            case JsonObject obj:
                var other = roundTrip as JsonObject;
                foreach (var (key, value) in obj)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    var childPath = YamlPaths.Key(path, key);
                    if (other is null || !other.TryGetPropertyValue(key, out var otherValue))
                    {
                        yield return childPath;
                        continue;
                    }

                    foreach (var p in UnknownFields(value, otherValue, childPath))
                    {
                        yield return p;
                    }
                }

                break;
            case JsonArray array when roundTrip is JsonArray otherArray:
                for (var i = 0; i < array.Count && i < otherArray.Count; i++)
                {
                    foreach (var p in UnknownFields(array[i], otherArray[i], YamlPaths.Index(path, i)))
                    {
                        yield return p;
                    }
                }

                break;
        }
    }

    private static TinyImageResource WithUid(TinyImageResource ti, out bool placeholder)
    {
        placeholder = string.IsNullOrEmpty(ti.Metadata.Uid);
        if (placeholder)
        {
            ti.Metadata.Uid = PlaceholderUid;
        }

        return ti;
    }

    private static string Located(string file, YamlPosition? position, string path, string message) =>
        file + (position is null ? "" : ":" + position.Line + ":" + position.Column) + ": " + (path.Length == 0 ? "" : path + ": ") + message;

    private static bool IsTinyImageKind(JsonObject root) => StringAt(root, "kind") == TinyImageResource.KindValue;

    private static string? StringAt(JsonObject root, string key) =>
        root[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>System.Text.Json's "could not be converted to System.Int32" as "wrong type: expected an integer".</summary>
    private static string DescribeJsonError(string message)
    {
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        var text = i > 0 ? message[..i] : message;
        const string marker = "could not be converted to ";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return "malformed: " + text;
        }

        var type = text[(at + marker.Length)..].TrimEnd('.');
        var expected = type switch
        {
            "System.String" => "a string",
            "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "an integer",
            "System.Boolean" or "System.Nullable`1[System.Boolean]" => "a boolean (true or false)",
            _ when type.Contains("IList", StringComparison.Ordinal) || type.Contains("List`1", StringComparison.Ordinal) => "a list",
            _ when type.Contains("IDictionary", StringComparison.Ordinal) || type.Contains("Dictionary`2", StringComparison.Ordinal) => "a mapping",
            _ when type.StartsWith("TinyImage.", StringComparison.Ordinal) || type.StartsWith("k8s.Models.", StringComparison.Ordinal) => "a mapping",
            _ => type,
        };
        return "wrong type: expected " + expected;
    }
}

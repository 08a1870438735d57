using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// The container environment a kubelet builds: the <c>KUBERNETES_SERVICE_*</c> variables of the API server's Service,
/// then <c>envFrom</c>, then <c>env</c> in order (<c>value</c> with <c>$(VAR)</c> expansion, <c>fieldRef</c>,
/// <c>resourceFieldRef</c>, <c>secretKeyRef</c>, <c>configMapKeyRef</c>), later names overriding earlier ones.
/// </summary>
public static class PodEnvironment
{
    /// <summary>The environment, or why the container cannot be created (<c>CreateContainerConfigError</c>).</summary>
    public static StandInResult<IReadOnlyList<KeyValuePair<string, string>>> Build(
        JsonObject pod, JsonObject container, Uri apiServer, Func<string, string, string, string, JsonObject?> get)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(apiServer);
        ArgumentNullException.ThrowIfNull(get);
        var ns = (string?)pod["metadata"]?["namespace"] ?? "default";
        var env = new List<KeyValuePair<string, string>>();
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string name, string value)
        {
            env.RemoveAll(e => e.Key == name);
            env.Add(new(name, value));
            byName[name] = value;
        }

        // The kubelet always adds the master Service's variables (pkg/kubelet/kubelet_pods.go, getServiceEnvVarMap).
        var host = apiServer.Host;
        var port = apiServer.Port.ToString(CultureInfo.InvariantCulture);
        Set("KUBERNETES_SERVICE_HOST", host);
        Set("KUBERNETES_SERVICE_PORT", port);
        Set("KUBERNETES_SERVICE_PORT_HTTPS", port);
        Set("KUBERNETES_PORT", "tcp://" + host + ":" + port);
        Set("KUBERNETES_PORT_" + port + "_TCP", "tcp://" + host + ":" + port);
        Set("KUBERNETES_PORT_" + port + "_TCP_PROTO", "tcp");
        Set("KUBERNETES_PORT_" + port + "_TCP_PORT", port);
        Set("KUBERNETES_PORT_" + port + "_TCP_ADDR", host);

        foreach (var from in (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var prefix = (string?)from["prefix"] ?? "";
            var (plural, source) = from["secretRef"] is JsonObject s ? ("secrets", s) : ("configmaps", from["configMapRef"] as JsonObject);
            if (source is null)
            {
                continue;
            }

            var obj = get("v1", plural, ns, (string?)source["name"] ?? "");
            if (obj is null)
            {
                if ((bool?)source["optional"] == true)
                {
                    continue;
                }

                return Fail($"{(plural == "secrets" ? "secret" : "configmap")} \"{source["name"]}\" not found");
            }

            foreach (var (key, value) in Data(obj, plural))
            {
                Set(prefix + key, value);
            }
        }

        foreach (var e in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = (string?)e["name"] ?? "";
            if (e["valueFrom"] is not JsonObject from)
            {
                Set(name, Expand((string?)e["value"] ?? "", byName));
                continue;
            }

            if (from["fieldRef"]?["fieldPath"] is { } fieldPath)
            {
                var value = FieldRef(pod, (string)fieldPath!);
                if (!value.IsSuccess)
                {
                    return Fail(value.Error!);
                }

                Set(name, value.Value!);
            }
            else if (from["resourceFieldRef"] is JsonObject r)
            {
                Set(name, ResourceFieldRef(container, r));
            }
            else if (from["secretKeyRef"] is JsonObject sk || from["configMapKeyRef"] is JsonObject)
            {
                var isSecret = from["secretKeyRef"] is JsonObject;
                var reference = isSecret ? (JsonObject)from["secretKeyRef"]! : (JsonObject)from["configMapKeyRef"]!;
                var plural = isSecret ? "secrets" : "configmaps";
                var obj = get("v1", plural, ns, (string?)reference["name"] ?? "");
                var key = (string?)reference["key"] ?? "";
                var data = obj is null ? null : Data(obj, plural);
                if (data is not null && data.TryGetValue(key, out var value))
                {
                    Set(name, value);
                }
                else if ((bool?)reference["optional"] != true)
                {
                    var kind = isSecret ? "secret" : "configmap";
                    return Fail(obj is null
                        ? $"{kind} \"{reference["name"]}\" not found"
                        : $"couldn't find key {key} in {(isSecret ? "Secret" : "ConfigMap")} {ns}/{reference["name"]}");
                }
            }
        }

        return StandInResult<IReadOnlyList<KeyValuePair<string, string>>>.Ok(env);
    }

    /// <summary>The kubelet's <c>$(VAR)</c> expansion (command, args, env values): <c>$$</c> is a literal <c>$</c>, an
    /// unknown <c>$(NAME)</c> stays as written (k8s.io/kubernetes third_party/forked/golang/expansion).</summary>
    public static string Expand(string input, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(values);
        var sb = new StringBuilder();
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length)
            {
                sb.Append(input[i]);
                continue;
            }

            var next = input[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i++;
            }
            else if (next == '(' && input.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = input[(i + 2)..close];
                sb.Append(values.TryGetValue(name, out var v) ? v : input[i..(close + 1)]);
                i = close;
            }
            else
            {
                sb.Append('$');
            }
        }

        return sb.ToString();
    }

    /// <summary>A downward-API field of the pod (env <c>fieldRef</c> and downwardAPI volume items).</summary>
    public static StandInResult<string> FieldRef(JsonObject pod, string fieldPath)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(fieldPath);
        var metadata = pod["metadata"] as JsonObject ?? [];
        string? value = fieldPath switch
        {
            "metadata.name" => (string?)metadata["name"],
            "metadata.namespace" => (string?)metadata["namespace"] ?? "default",
            "metadata.uid" => (string?)metadata["uid"],
            "spec.nodeName" => (string?)pod["spec"]?["nodeName"] ?? "localhost",
            "spec.serviceAccountName" => (string?)pod["spec"]?["serviceAccountName"] ?? "default",
            "status.podIP" or "status.hostIP" => "127.0.0.1", // host networking: the pod's address is the host's
            "status.podIPs" or "status.hostIPs" => "127.0.0.1",
            "metadata.labels" or "metadata.annotations" => string.Join('\n',
                ((metadata[fieldPath[9..]] as JsonObject) ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + Builtins.GoQuote.Quote((string?)p.Value ?? ""))), // fieldpath.FormatMap: %v=%q
            _ when fieldPath.StartsWith("metadata.labels['", StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal) =>
                (string?)metadata["labels"]?[fieldPath[17..^2]] ?? "",
            _ when fieldPath.StartsWith("metadata.annotations['", StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal) =>
                (string?)metadata["annotations"]?[fieldPath[22..^2]] ?? "",
            _ => null,
        };
        return value is null ? StandInResult<string>.Fail("unsupported fieldPath: " + fieldPath) : StandInResult<string>.Ok(value);
    }

    /// <summary>The string data of a ConfigMap (data and binaryData) or a Secret (data, base64-decoded).</summary>
    public static Dictionary<string, string> Data(JsonObject obj, string plural)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in obj["data"] as JsonObject ?? [])
        {
            result[k] = plural == "secrets" ? Encoding.UTF8.GetString(Convert.FromBase64String((string?)v ?? "")) : (string?)v ?? "";
        }

        if (plural == "configmaps")
        {
            foreach (var (k, v) in obj["binaryData"] as JsonObject ?? [])
            {
                result[k] = Encoding.UTF8.GetString(Convert.FromBase64String((string?)v ?? ""));
            }
        }

        return result;
    }

    private static string ResourceFieldRef(JsonObject container, JsonObject reference)
    {
        var resource = (string?)reference["resource"] ?? "";
        var parts = resource.Split('.', 2);
        var raw = parts.Length == 2 ? (string?)container["resources"]?[parts[0]]?[parts[1]] : null;
        var divisor = KubeQuantity.Parse((string?)reference["divisor"]) ?? 1m;
        if (KubeQuantity.Parse(raw) is not { } value)
        {
            return "0"; // no limit: the real kubelet reports the node's allocatable; a stand-in has no node
        }

        return Math.Ceiling(value / divisor).ToString(CultureInfo.InvariantCulture);
    }

    private static StandInResult<IReadOnlyList<KeyValuePair<string, string>>> Fail(string message) =>
        StandInResult<IReadOnlyList<KeyValuePair<string, string>>>.Fail(message);
}

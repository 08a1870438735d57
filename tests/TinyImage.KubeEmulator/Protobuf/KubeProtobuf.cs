using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Protobuf;

/// <summary>
/// Decodes the Kubernetes protobuf encoding (<c>application/vnd.kubernetes.protobuf</c>) of the kinds kubectl's
/// generators send (<c>kubectl create namespace|configmap|secret|serviceaccount|role|rolebinding|clusterrole|clusterrolebinding|token</c>)
/// into the JSON the API server would have stored: the 4-byte magic <c>k8s\0</c>, then a <c>runtime.Unknown</c>
/// (typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4) whose raw bytes are the
/// object's message. Field numbers are those of <c>staging/src/k8s.io/api/*/v1/generated.proto</c> and
/// <c>staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto</c>. Other kinds are refused with 415, as a
/// server that has no protobuf codec for them would.
/// </summary>
internal static class KubeProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    private static readonly Dictionary<string, ProtoField[]> Messages = new(StringComparer.Ordinal)
    {
        ["ObjectMeta"] =
        [
            new(1, "name", ProtoKind.String), new(2, "generateName", ProtoKind.String), new(3, "namespace", ProtoKind.String),
            new(4, "selfLink", ProtoKind.String), new(5, "uid", ProtoKind.String), new(6, "resourceVersion", ProtoKind.String),
            new(7, "generation", ProtoKind.Int), new(8, "creationTimestamp", ProtoKind.Time), new(9, "deletionTimestamp", ProtoKind.Time),
            new(10, "deletionGracePeriodSeconds", ProtoKind.Int), new(11, "labels", ProtoKind.StringMap), new(12, "annotations", ProtoKind.StringMap),
            new(13, "ownerReferences", ProtoKind.Message, true, "OwnerReference"), new(14, "finalizers", ProtoKind.String, true),
        ],
        ["OwnerReference"] =
        [
            new(1, "kind", ProtoKind.String), new(3, "name", ProtoKind.String), new(4, "uid", ProtoKind.String),
            new(5, "apiVersion", ProtoKind.String), new(6, "controller", ProtoKind.Bool), new(7, "blockOwnerDeletion", ProtoKind.Bool),
        ],
        ["ObjectReference"] =
        [
            new(1, "kind", ProtoKind.String), new(2, "namespace", ProtoKind.String), new(3, "name", ProtoKind.String), new(4, "uid", ProtoKind.String),
            new(5, "apiVersion", ProtoKind.String), new(6, "resourceVersion", ProtoKind.String), new(7, "fieldPath", ProtoKind.String),
        ],
        ["LocalObjectReference"] = [new(1, "name", ProtoKind.String)],
        ["Namespace"] = [Meta(), new(2, "spec", ProtoKind.Message, false, "NamespaceSpec"), new(3, "status", ProtoKind.Message, false, "NamespaceStatus")],
        ["NamespaceSpec"] = [new(1, "finalizers", ProtoKind.String, true)],
        ["NamespaceStatus"] = [new(1, "phase", ProtoKind.String)],
        ["ConfigMap"] = [Meta(), new(2, "data", ProtoKind.StringMap), new(3, "binaryData", ProtoKind.BytesMap), new(4, "immutable", ProtoKind.Bool)],
        ["Secret"] =
        [
            Meta(), new(2, "data", ProtoKind.BytesMap), new(3, "type", ProtoKind.String), new(4, "stringData", ProtoKind.StringMap),
            new(5, "immutable", ProtoKind.Bool),
        ],
        ["ServiceAccount"] =
        [
            Meta(), new(2, "secrets", ProtoKind.Message, true, "ObjectReference"),
            new(3, "imagePullSecrets", ProtoKind.Message, true, "LocalObjectReference"), new(4, "automountServiceAccountToken", ProtoKind.Bool),
        ],
        ["TokenRequest"] = [Meta(), new(2, "spec", ProtoKind.Message, false, "TokenRequestSpec")],
        ["TokenRequestSpec"] =
        [
            new(1, "audiences", ProtoKind.String, true), new(3, "boundObjectRef", ProtoKind.Message, false, "BoundObjectReference"),
            new(4, "expirationSeconds", ProtoKind.Int),
        ],
        ["BoundObjectReference"] = [new(1, "kind", ProtoKind.String), new(2, "apiVersion", ProtoKind.String), new(3, "name", ProtoKind.String), new(4, "uid", ProtoKind.String)],
        ["Role"] = [Meta(), new(2, "rules", ProtoKind.Message, true, "PolicyRule")],
        ["ClusterRole"] = [Meta(), new(2, "rules", ProtoKind.Message, true, "PolicyRule"), new(3, "aggregationRule", ProtoKind.Message, false, "AggregationRule")],
        ["AggregationRule"] = [new(1, "clusterRoleSelectors", ProtoKind.Message, true, "LabelSelector")],
        ["LabelSelector"] = [new(1, "matchLabels", ProtoKind.StringMap), new(2, "matchExpressions", ProtoKind.Message, true, "LabelSelectorRequirement")],
        ["LabelSelectorRequirement"] = [new(1, "key", ProtoKind.String), new(2, "operator", ProtoKind.String), new(3, "values", ProtoKind.String, true)],
        ["PolicyRule"] =
        [
            new(1, "verbs", ProtoKind.String, true), new(2, "apiGroups", ProtoKind.String, true), new(3, "resources", ProtoKind.String, true),
            new(4, "resourceNames", ProtoKind.String, true), new(5, "nonResourceURLs", ProtoKind.String, true),
        ],
        ["RoleBinding"] = [Meta(), new(2, "subjects", ProtoKind.Message, true, "Subject"), new(3, "roleRef", ProtoKind.Message, false, "RoleRef")],
        ["ClusterRoleBinding"] = [Meta(), new(2, "subjects", ProtoKind.Message, true, "Subject"), new(3, "roleRef", ProtoKind.Message, false, "RoleRef")],
        ["Subject"] = [new(1, "kind", ProtoKind.String), new(2, "apiGroup", ProtoKind.String), new(3, "name", ProtoKind.String), new(4, "namespace", ProtoKind.String)],
        ["RoleRef"] = [new(1, "apiGroup", ProtoKind.String), new(2, "kind", ProtoKind.String), new(3, "name", ProtoKind.String)],
    };

    /// <summary>The kinds this decoder knows (top-level objects).</summary>
    public static IReadOnlySet<string> Kinds { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Namespace", "ConfigMap", "Secret", "ServiceAccount", "TokenRequest", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
    };

    /// <summary>Decodes one enveloped object, or says why not (the caller answers 400/415 with it).</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < Magic.Length || !body[..Magic.Length].SequenceEqual(Magic))
        {
            throw new FormatException("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        }

        string? apiVersion = null, kind = null, contentEncoding = null;
        ReadOnlySpan<byte> raw = default;
        var unknown = new ProtoReader(body[Magic.Length..]);
        while (!unknown.End)
        {
            var (number, wire) = unknown.ReadKey();
            switch (number)
            {
                case 1 when wire == 2:
                    var typeMeta = new ProtoReader(unknown.ReadBytes());
                    while (!typeMeta.End)
                    {
                        var (n, w) = typeMeta.ReadKey();
                        if (n == 1 && w == 2)
                        {
                            apiVersion = Encoding.UTF8.GetString(typeMeta.ReadBytes());
                        }
                        else if (n == 2 && w == 2)
                        {
                            kind = Encoding.UTF8.GetString(typeMeta.ReadBytes());
                        }
                        else
                        {
                            typeMeta.Skip(w);
                        }
                    }

                    break;
                case 2 when wire == 2:
                    raw = unknown.ReadBytes();
                    break;
                case 3 when wire == 2:
                    contentEncoding = Encoding.UTF8.GetString(unknown.ReadBytes());
                    break;
                default:
                    unknown.Skip(wire);
                    break;
            }
        }

        if (!string.IsNullOrEmpty(contentEncoding))
        {
            throw new FormatException($"unsupported content encoding {contentEncoding}");
        }

        if (kind is null || !Kinds.Contains(kind))
        {
            throw new NotSupportedException(kind ?? "");
        }

        var obj = Read(raw, kind, depth: 0);
        var result = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion ?? "v1" };
        foreach (var (key, value) in obj.ToList())
        {
            obj.Remove(key);
            result[key] = value;
        }

        return result;
    }

    private static ProtoField Meta() => new(1, "metadata", ProtoKind.Message, false, "ObjectMeta");

    private static JsonObject Read(ReadOnlySpan<byte> data, string message, int depth)
    {
        if (depth > 32)
        {
            throw new FormatException("message nested too deeply");
        }

        var fields = Messages[message];
        var result = new JsonObject();
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadKey();
            var field = Array.Find(fields, f => f.Number == number);
            if (field is null)
            {
                reader.Skip(wire);
                continue;
            }

            var expected = field.Kind is ProtoKind.Int or ProtoKind.Bool ? 0 : 2;
            if (wire != expected)
            {
                throw new FormatException($"field {message}.{field.Json} has wire type {wire}, expected {expected}");
            }

            switch (field.Kind)
            {
                case ProtoKind.StringMap or ProtoKind.BytesMap:
                {
                    var map = result[field.Json] as JsonObject ?? [];
                    result[field.Json] = map;
                    var (key, value) = ReadEntry(reader.ReadBytes(), field.Kind == ProtoKind.BytesMap);
                    map[key] = value;
                    break;
                }

                default:
                {
                    JsonNode value = field.Kind switch
                    {
                        ProtoKind.String => JsonValue.Create(Encoding.UTF8.GetString(reader.ReadBytes()))!,
                        ProtoKind.Bytes => JsonValue.Create(Convert.ToBase64String(reader.ReadBytes()))!,
                        ProtoKind.Int => JsonValue.Create((long)reader.ReadVarint())!,
                        ProtoKind.Bool => JsonValue.Create(reader.ReadVarint() != 0)!,
                        ProtoKind.Time => JsonValue.Create(ReadTime(reader.ReadBytes()))!,
                        _ => Read(reader.ReadBytes(), field.Message!, depth + 1),
                    };
                    if (!field.Repeated && IsGoZero(value))
                    {
                        // gogo-protobuf writes every non-pointer scalar; Go's JSON encoder then omits the zero values (omitempty).
                        break;
                    }

                    if (field.Repeated)
                    {
                        var list = result[field.Json] as JsonArray ?? [];
                        result[field.Json] = list;
                        list.Add(value);
                    }
                    else
                    {
                        result[field.Json] = value;
                    }

                    break;
                }
            }
        }

        return result;
    }

    private static bool IsGoZero(JsonNode value) =>
        value is JsonValue v && ((v.TryGetValue<string>(out var text) && text.Length == 0) || (v.TryGetValue<long>(out var number) && number == 0));

    private static (string Key, string Value) ReadEntry(ReadOnlySpan<byte> data, bool bytesValue)
    {
        var reader = new ProtoReader(data);
        var key = "";
        var value = "";
        while (!reader.End)
        {
            var (number, wire) = reader.ReadKey();
            if (number == 1 && wire == 2)
            {
                key = Encoding.UTF8.GetString(reader.ReadBytes());
            }
            else if (number == 2 && wire == 2)
            {
                var bytes = reader.ReadBytes();
                value = bytesValue ? Convert.ToBase64String(bytes) : Encoding.UTF8.GetString(bytes);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (key, value);
    }

    private static string ReadTime(ReadOnlySpan<byte> data)
    {
        long seconds = 0;
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadKey();
            if (number == 1 && wire == 0)
            {
                seconds = (long)reader.ReadVarint();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}

using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>
/// Decodes the protobuf bodies typed clients (kubectl create token, kubectl auth can-i) send for TokenRequest,
/// SelfSubjectAccessReview and SelfSubjectRulesReview into their JSON form: the "k8s\0" envelope holding a
/// runtime.Unknown, whose raw bytes are the object (field numbers from the k8s.io/api generated.proto files).
/// The answer goes back as JSON, which those clients accept.
/// </summary>
internal static class ProtobufReviews
{
    public static JsonObject? Decode(byte[] body)
    {
        if (body.Length < 4 || body[0] != 'k' || body[1] != '8' || body[2] != 's' || body[3] != 0)
        {
            return null;
        }

        string? apiVersion = null;
        string? kind = null;
        byte[]? raw = null;
        foreach (var (field, value) in Fields(body.AsMemory(4)))
        {
            if (field == 1 && value is ReadOnlyMemory<byte> typeMeta)
            {
                foreach (var (f, v) in Fields(typeMeta))
                {
                    apiVersion = f == 1 ? Text(v) : apiVersion;
                    kind = f == 2 ? Text(v) : kind;
                }
            }
            else if (field == 2 && value is ReadOnlyMemory<byte> r)
            {
                raw = r.ToArray();
            }
        }

        if (raw is null || kind is null)
        {
            return null;
        }

        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (field, value) in Fields(raw))
        {
            if (value is not ReadOnlyMemory<byte> bytes)
            {
                continue;
            }

            if (field == 1)
            {
                obj["metadata"] = Message(bytes, (1, "name"), (3, "namespace"));
            }
            else if (field == 2)
            {
                obj["spec"] = kind switch
                {
                    "TokenRequest" => TokenRequestSpec(bytes),
                    "SelfSubjectAccessReview" => AccessReviewSpec(bytes),
                    _ => Message(bytes, (1, "namespace")),
                };
            }
        }

        return obj;
    }

    private static JsonObject TokenRequestSpec(ReadOnlyMemory<byte> bytes)
    {
        var spec = new JsonObject();
        var audiences = new JsonArray();
        foreach (var (field, value) in Fields(bytes))
        {
            switch (field, value)
            {
                case (1, ReadOnlyMemory<byte> a):
                    audiences.Add((JsonNode)Text(a));
                    break;
                case (3, ReadOnlyMemory<byte> b):
                    spec["boundObjectRef"] = Message(b, (1, "kind"), (2, "apiVersion"), (3, "name"), (4, "uid"));
                    break;
                case (4, ulong seconds):
                    spec["expirationSeconds"] = (long)seconds;
                    break;
            }
        }

        if (audiences.Count > 0)
        {
            spec["audiences"] = audiences;
        }

        return spec;
    }

    private static JsonObject AccessReviewSpec(ReadOnlyMemory<byte> bytes)
    {
        var spec = new JsonObject();
        foreach (var (field, value) in Fields(bytes))
        {
            if (value is ReadOnlyMemory<byte> m)
            {
                if (field == 1)
                {
                    spec["resourceAttributes"] = Message(m, (1, "namespace"), (2, "verb"), (3, "group"), (4, "version"), (5, "resource"), (6, "subresource"), (7, "name"));
                }
                else if (field == 2)
                {
                    spec["nonResourceAttributes"] = Message(m, (1, "path"), (2, "verb"));
                }
            }
        }

        return spec;
    }

    private static JsonObject Message(ReadOnlyMemory<byte> bytes, params (int Field, string Name)[] strings)
    {
        var o = new JsonObject();
        foreach (var (field, value) in Fields(bytes))
        {
            foreach (var (f, name) in strings)
            {
                if (f == field && value is ReadOnlyMemory<byte> text)
                {
                    o[name] = Text(text);
                }
            }
        }

        return o;
    }

    private static string Text(object value) => value is ReadOnlyMemory<byte> m ? Encoding.UTF8.GetString(m.Span) : "";

    /// <summary>The fields of one protobuf message: varints as ulong, length-delimited values as bytes.</summary>
    private static List<(int Field, object Value)> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, object)>();
        var span = message.Span;
        var i = 0;
        while (i < span.Length)
        {
            var tag = Varint(span, ref i);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    fields.Add((field, Varint(span, ref i)));
                    break;
                case 1:
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(span, ref i);
                    fields.Add((field, message.Slice(i, length)));
                    i += length;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    return fields;
            }
        }

        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; i < span.Length && shift < 64; shift += 7)
        {
            var b = span[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        return value;
    }
}

namespace TinyImage.KubeEmulator.Protobuf;

/// <summary>How one protobuf field of a Kubernetes message becomes JSON.</summary>
internal enum ProtoKind
{
    /// <summary>A string (wire type 2).</summary>
    String,

    /// <summary>Bytes, written as base64 as the JSON serializer writes []byte.</summary>
    Bytes,

    /// <summary>A varint-encoded int32/int64.</summary>
    Int,

    /// <summary>A varint-encoded bool.</summary>
    Bool,

    /// <summary>A nested message (<see cref="ProtoField.Message"/> names it).</summary>
    Message,

    /// <summary>map&lt;string, string&gt;.</summary>
    StringMap,

    /// <summary>map&lt;string, bytes&gt; (base64 values in JSON).</summary>
    BytesMap,

    /// <summary>metav1.Time: seconds and nanos, written as RFC 3339.</summary>
    Time,
}

/// <summary>One field of a message as in the Kubernetes <c>generated.proto</c> files: number, JSON name, kind, repeated.</summary>
internal sealed record ProtoField(int Number, string Json, ProtoKind Kind, bool Repeated = false, string? Message = null);

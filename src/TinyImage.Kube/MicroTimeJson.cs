using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube;

/// <summary>
/// JSON for the kinds with metav1.MicroTime fields (events.k8s.io Events: eventTime, series.lastObservedTime; Leases:
/// acquireTime, renewTime). The API server parses a MicroTime as RFC3339Micro, exactly six fractional digits, and
/// refuses anything else; the client's DateTime converter drops trailing zeros, so a time on a whole second (or whose
/// sixth digit is 0) went out as <c>...:00Z</c> or <c>.12345Z</c> and the write was refused. Here every DateTime of
/// these kinds is written with six digits, which a metav1.Time field (RFC3339, fraction optional) also accepts.
/// </summary>
internal static class MicroTimeJson
{
    /// <summary><see cref="KubeJsonContext"/> with the six-digit DateTime writer in front of its converters (never KubernetesClient's own context: it links all of its models).</summary>
    public static KubeJsonContext Context { get; } = Create();

    /// <summary>metav1.MicroTime as the API server parses it (RFC3339Micro): UTC with exactly six fractional digits.</summary>
    public static string Format(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static KubeJsonContext Create()
    {
        var original = KubeJsonContext.Default.Options.Converters.OfType<JsonConverter<DateTime>>().First();
        var options = new JsonSerializerOptions(KubeJsonContext.Default.Options) { TypeInfoResolver = null };
        options.Converters.Insert(0, new Writer(original));
        return new KubeJsonContext(options);
    }

    /// <summary>Writes six fractional digits; reads as the client does.</summary>
    private sealed class Writer(JsonConverter<DateTime> original) : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            original.Read(ref reader, typeToConvert, options);

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Format(value));
    }
}

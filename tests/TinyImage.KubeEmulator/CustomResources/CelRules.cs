using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// The CEL environment of x-kubernetes-validations (the Cel package, with Kubernetes' strings extension <c>split</c>)
/// and the JSON-to-CEL value mapping. Compiling is serialized; compiled programs are reused for every request.
/// </summary>
internal static class CelRules
{
    private static readonly Lock Gate = new();
    private static readonly CelEnvironment Environment = CreateEnvironment();

    /// <summary>Compiles a rule; the error text when the library refuses it.</summary>
    public static CelProgramDelegate? Compile(string rule, out string? error)
    {
        lock (Gate)
        {
            try
            {
                error = null;
                return Environment.Compile(rule);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = "compilation failed: ERROR: <input>: " + e.Message;
                return null;
            }
        }
    }

    /// <summary>A JSON value as the Cel package's values (maps, lists, long, double, string, bool).</summary>
    public static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToCel(kv.Value)),
        JsonArray a => a.Select(ToCel).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => JsonNumbers.Long(v) is { } l ? l : v.TryGetValue<double>(out var d) ? d : JsonSerializerDouble(v),
            _ => null,
        },
        _ => null,
    };

    private static double JsonSerializerDouble(JsonValue v) =>
        v.TryGetValue<JsonElement>(out var e) && e.TryGetDouble(out var d) ? d : double.NaN;

    private static CelEnvironment CreateEnvironment()
    {
        var env = new CelEnvironment(null, null);
        env.RegisterFunction("split", [typeof(string), typeof(string)], args => ((string)args[0]!).Split((string)args[1]!).Cast<object?>().ToList());
        return env;
    }
}

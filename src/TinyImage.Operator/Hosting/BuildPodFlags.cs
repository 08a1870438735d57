using System.Text.Json;
using k8s.Models;

namespace TinyImage.Operator.Hosting;

/// <summary>The values of the build-pod flags that are more than a word: resource lists and the NetworkPolicy's egress rules.</summary>
internal static class BuildPodFlags
{
    /// <summary><c>cpu=500m,memory=1Gi</c> as quantities; null when a pair or a quantity does not parse. An empty value means none.</summary>
    public static Dictionary<string, ResourceQuantity>? ParseResources(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var result = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1)
            {
                return null;
            }

            try
            {
                var quantity = new ResourceQuantity(pair[(eq + 1)..]);
                _ = quantity.ToDecimal();
                result[pair[..eq]] = quantity;
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            {
                return null;
            }
        }

        return result;
    }

    /// <summary>A JSON list of NetworkPolicyEgressRule (as in a NetworkPolicy's <c>spec.egress</c>); the error, or null.</summary>
    public static string? ParseEgress(string value, out IReadOnlyList<V1NetworkPolicyEgressRule> egress)
    {
        egress = [];
        try
        {
            if (JsonSerializer.Deserialize(value, TinyImage.Kube.KubeJsonContext.Default.IListV1NetworkPolicyEgressRule) is not { } rules)
            {
                return "expected a JSON list of egress rules, e.g. [{\"ports\":[{\"port\":443}]}]";
            }

            egress = [.. rules];
            return null;
        }
        catch (JsonException e)
        {
            return "not a JSON list of egress rules: " + e.Message;
        }
    }
}

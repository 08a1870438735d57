using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>Server-side printing: lists and objects as <c>meta.k8s.io/v1 Table</c> for <c>kubectl get</c>.</summary>
internal static class TableConverter
{
    public static JsonObject ToTable(ResourceType type, JsonObject objectOrList, string? includeObject, DateTimeOffset now)
    {
        var items = objectOrList["items"] is JsonArray list ? list.OfType<JsonObject>().ToList() : [objectOrList];
        var columns = new JsonArray
        {
            (JsonNode)Column("Name", "string", "name", "Name must be unique within a namespace.", 0),
        };
        var printer = type.PrinterColumns.Count > 0 ? type.PrinterColumns : [new PrinterColumn("Age", "date", ".metadata.creationTimestamp")];
        foreach (var c in printer)
        {
            columns.Add((JsonNode)Column(c.Name, c.Type, "", c.Description, c.Priority));
        }

        var rows = new JsonArray();
        foreach (var item in items)
        {
            var cells = new JsonArray { (JsonNode?)(string?)item["metadata"]?["name"] };
            foreach (var c in printer)
            {
                cells.Add(Cell(c.Type, JsonPathLite.Evaluate(item, c.JsonPath), now));
            }

            var row = new JsonObject { ["cells"] = cells };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = item.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = item["metadata"]?.DeepClone(),
                    };
                    break;
            }

            rows.Add((JsonNode)row);
        }

        var meta = new JsonObject();
        if (objectOrList["metadata"] is JsonObject listMeta)
        {
            foreach (var field in new[] { "resourceVersion", "continue", "remainingItemCount" })
            {
                if (listMeta[field] is { } v)
                {
                    meta[field] = v.DeepClone();
                }
            }
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = meta,
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private static JsonObject Column(string name, string type, string format, string description, int priority) => new()
    {
        ["name"] = name,
        ["type"] = type == "date" ? "string" : type,
        ["format"] = format,
        ["description"] = description,
        ["priority"] = priority,
    };

    private static JsonNode? Cell(string type, JsonNode? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }

        if (type == "date" && value is JsonValue v && v.TryGetValue<string>(out var s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return HumanDuration(now - t);
        }

        return value is JsonValue ? value.DeepClone() : value.ToJsonString();
    }

    /// <summary>Kubernetes' <c>duration.HumanDuration</c>: 5s, 3m20s, 10m, 2h5m, 3d, ...</summary>
    public static string HumanDuration(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(-1))
        {
            return "<invalid>";
        }

        if (d < TimeSpan.Zero)
        {
            return "0s";
        }

        var seconds = (long)d.TotalSeconds;
        var minutes = (long)d.TotalMinutes;
        var hours = (long)d.TotalHours;
        var days = (long)d.TotalDays;
        return d switch
        {
            _ when seconds < 120 => $"{seconds}s",
            _ when minutes < 10 => seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s",
            _ when d < TimeSpan.FromHours(3) => $"{minutes}m",
            _ when d < TimeSpan.FromHours(8) => minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m",
            _ when d < TimeSpan.FromHours(48) => $"{hours}h",
            _ when d < TimeSpan.FromDays(8) => hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h",
            _ when d < TimeSpan.FromDays(365 * 2) => $"{days}d",
            _ when d < TimeSpan.FromDays(365 * 8) => days % 365 == 0 ? $"{days / 365}y" : $"{days / 365}y{days % 365}d",
            _ => $"{days / 365}y",
        };
    }
}

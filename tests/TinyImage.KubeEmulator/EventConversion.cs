using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// core/v1 and events.k8s.io/v1 Events share one storage (as upstream, where both REST endpoints serve the internal
/// core Event): objects are stored in the core/v1 form and converted on the way in and out of the events.k8s.io/v1 API
/// (pkg/apis/events/v1/conversion.go). Field selectors of events.k8s.io/v1 are renamed to the core field set
/// (AddFieldLabelConversionsForEvent) and evaluated on the stored form (pkg/registry/core/event/strategy.go).
/// </summary>
internal static class EventConversion
{
    /// <summary>core/v1 field -> events.k8s.io/v1 field; the rest (metadata, reason, type, eventTime, series, action, related, reportingInstance) keep their names.</summary>
    private static readonly (string Core, string Events)[] Renames =
    [
        ("involvedObject", "regarding"),
        ("message", "note"),
        ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"),
        ("reportingComponent", "reportingController"),
    ];

    /// <summary>events.k8s.io/v1 field labels and the core field they select on; any other label is refused.</summary>
    private static readonly Dictionary<string, string> EventsV1FieldLabels = new(StringComparer.Ordinal)
    {
        ["reason"] = "reason",
        ["regarding.kind"] = "involvedObject.kind",
        ["regarding.namespace"] = "involvedObject.namespace",
        ["regarding.name"] = "involvedObject.name",
        ["regarding.uid"] = "involvedObject.uid",
        ["regarding.apiVersion"] = "involvedObject.apiVersion",
        ["regarding.resourceVersion"] = "involvedObject.resourceVersion",
        ["regarding.fieldPath"] = "involvedObject.fieldPath",
        ["reportingController"] = "reportingComponent",
        ["source"] = "source",
        ["type"] = "type",
        ["metadata.namespace"] = "metadata.namespace",
        ["metadata.name"] = "metadata.name",
    };

    /// <summary>True for the events.k8s.io view of the shared Event storage.</summary>
    public static bool IsEventsV1(ResourceType type) => type.Group == "events.k8s.io" && type.Plural == "events";

    /// <summary>True for either view of the shared Event storage.</summary>
    public static bool IsEvent(ResourceType type) => type.Plural == "events" && type.Group is "" or "events.k8s.io";

    /// <summary>The core field an events.k8s.io/v1 field label selects on, or null when the label is not supported.</summary>
    public static string? CoreFieldLabel(string label) => EventsV1FieldLabels.GetValueOrDefault(label);

    /// <summary>
    /// The value of a core Event's selectable field: <c>source</c> is source.component, or reportingComponent when that
    /// is empty; the others are their JSON paths.
    /// </summary>
    public static string? SelectableValue(JsonObject stored, string label)
    {
        if (label != "source")
        {
            return null;
        }

        var component = (string?)stored["source"]?["component"];
        return string.IsNullOrEmpty(component) ? (string?)stored["reportingComponent"] ?? "" : component;
    }

    /// <summary>An events.k8s.io/v1 body in the stored core/v1 form, with Go's zero values as core/v1 writes them.</summary>
    public static JsonObject ToCore(JsonObject eventsV1)
    {
        var core = Rename(eventsV1, toEvents: false);
        core["apiVersion"] = "v1";
        core["kind"] = "Event";
        core["involvedObject"] ??= new JsonObject();
        core["source"] ??= new JsonObject();
        foreach (var time in new[] { "firstTimestamp", "lastTimestamp", "eventTime" })
        {
            if (!core.ContainsKey(time))
            {
                core[time] = null;
            }
        }

        // reportingComponent and reportingInstance have no omitempty in core/v1.
        core["reportingComponent"] ??= "";
        core["reportingInstance"] ??= "";
        DropEmpty(core, "reason", "message", "type", "action");
        DropZeroCount(core, "count");
        return core;
    }

    /// <summary>A stored core/v1 Event as events.k8s.io/v1 serves it, with Go's zero values as events/v1 writes them.</summary>
    public static JsonObject ToEventsV1(JsonObject core)
    {
        var ev = Rename(core, toEvents: true);
        ev["apiVersion"] = "events.k8s.io/v1";
        ev["kind"] = "Event";
        ev["regarding"] ??= new JsonObject();
        ev["deprecatedSource"] ??= new JsonObject();
        foreach (var time in new[] { "eventTime", "deprecatedFirstTimestamp", "deprecatedLastTimestamp" })
        {
            if (!ev.ContainsKey(time))
            {
                ev[time] = null;
            }
        }

        DropEmpty(ev, "reportingController", "reportingInstance", "action", "reason", "note", "type");
        DropZeroCount(ev, "deprecatedCount");
        return ev;
    }

    private static JsonObject Rename(JsonObject source, bool toEvents)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            var renamed = key;
            foreach (var (core, events) in Renames)
            {
                if (toEvents && key == core)
                {
                    renamed = events;
                }
                else if (!toEvents && key == events)
                {
                    renamed = core;
                }
            }

            result[renamed] = value?.DeepClone();
        }

        return result;
    }

    private static void DropEmpty(JsonObject obj, params string[] fields)
    {
        foreach (var field in fields)
        {
            if (obj[field] is null || (obj[field] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0))
            {
                obj.Remove(field);
            }
        }
    }

    private static void DropZeroCount(JsonObject obj, string field)
    {
        if (obj.ContainsKey(field) && (JsonNumbers.Long(obj[field]) ?? 0) == 0)
        {
            obj.Remove(field);
        }
    }
}

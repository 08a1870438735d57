using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// The registry strategies' Validate/ValidateUpdate rules the emulator carries for built-ins: Job selector generation
/// and template rules (pkg/registry/batch/job/strategy.go, pkg/apis/batch/validation), Deployment selector rules
/// (pkg/registry/apps/deployment/strategy.go, pkg/apis/apps/validation), ConfigMap/Secret size
/// (pkg/apis/core/validation ValidateConfigMap/ValidateSecret), Event limits (pkg/apis/core/validation/events.go), and
/// annotations and downwardAPI volumes (<see cref="MetadataAndVolumeValidation"/>).
/// </summary>
internal static class Validation
{
    public const int MaxConfigMapSize = 1024 * 1024;
    public const int MaxSecretSize = 1024 * 1024;
    public const int NoteLengthLimit = 1024;
    public const int ReasonLengthLimit = 128;
    public const int ActionLengthLimit = 128;
    public const int ReportingInstanceLengthLimit = 128;

    public static List<FieldError> Validate(ResourceType type, JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();

        // ValidateObjectMeta(Update) comes first in every strategy; then the pod template's and the pod spec's rules.
        MetadataAndVolumeValidation.Annotations(obj["metadata"]?["annotations"] as JsonObject, "metadata.annotations", errors);
        switch (type.Group, type.Plural)
        {
            case ("batch", "jobs") or ("apps", "deployments"):
                var template = obj["spec"]?["template"] as JsonObject;
                MetadataAndVolumeValidation.Annotations(template?["metadata"]?["annotations"] as JsonObject, "spec.template.annotations", errors);
                MetadataAndVolumeValidation.Volumes(template?["spec"] as JsonObject, "spec.template.spec", errors);
                break;
            case ("", "pods"):
                MetadataAndVolumeValidation.Volumes(obj["spec"] as JsonObject, "spec", errors);
                break;
        }

        switch (type.Group, type.Plural)
        {
            case ("batch", "jobs"):
                Job(obj, old, errors);
                break;
            case ("apps", "deployments"):
                Deployment(obj, old, errors);
                break;
            case ("networking.k8s.io", "networkpolicies"):
                NetworkPolicyValidation.Validate(obj, old, errors);
                break;
            case ("", "configmaps"):
                ImmutableData.Validate(obj, old, secret: false, errors);
                ConfigMap(obj, errors);
                break;
            case ("networking.k8s.io", "ingresses"):
                IngressValidation.Validate(obj, errors);
                break;
            case ("", "secrets"):
                ImmutableData.Validate(obj, old, secret: true, errors);
                Secret(obj, errors);
                break;
            case ("", "events"):
                if (old is null)
                {
                    Event(obj, errors, eventsApi: false);
                }

                break;
            case ("events.k8s.io", "events"):
                if (old is null)
                {
                    Event(obj, errors, eventsApi: true);
                }

                break;
        }

        return errors;
    }

    /// <summary>generateSelector: the controller-uid and job-name labels on the template and the selector on them.</summary>
    public static void GenerateJobSelector(JsonObject job)
    {
        var spec = Defaults.Obj(job, "spec");
        if (spec["manualSelector"]?.GetValue<bool>() == true)
        {
            return;
        }

        var name = (string?)job["metadata"]?["name"] ?? "";
        var uid = (string?)job["metadata"]?["uid"] ?? "";
        var labels = Defaults.Obj(Defaults.Obj(Defaults.Obj(spec, "template"), "metadata"), "labels");
        labels["job-name"] ??= name;
        labels["batch.kubernetes.io/job-name"] ??= name;
        labels["controller-uid"] ??= uid;
        labels["batch.kubernetes.io/controller-uid"] ??= uid;
        var matchLabels = Defaults.Obj(Defaults.Obj(spec, "selector"), "matchLabels");
        matchLabels["batch.kubernetes.io/controller-uid"] ??= uid;
    }

    private static void Job(JsonObject job, JsonObject? old, List<FieldError> errors)
    {
        var spec = job["spec"] as JsonObject ?? [];
        var template = spec["template"] as JsonObject ?? [];
        var templateLabels = template["metadata"]?["labels"] as JsonObject;
        foreach (var (_, value) in templateLabels ?? [])
        {
            foreach (var m in NameRules.LabelValue((string?)value ?? ""))
            {
                errors.Add(FieldError.Invalid("spec.template.labels", (string?)value ?? "", m));
            }
        }

        if (spec["selector"] is not JsonObject selector)
        {
            errors.Add(FieldError.Required("spec.selector"));
        }
        else if (!Matches(selector, templateLabels))
        {
            errors.Add(FieldError.Invalid("spec.template.metadata.labels", templateLabels?.DeepClone(), "`selector` does not match template `labels`"));
        }

        var restart = (string?)template["spec"]?["restartPolicy"];
        if (restart is null or "Always")
        {
            errors.Add(FieldError.Required("spec.template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\""));
        }
        else if (restart is not ("OnFailure" or "Never"))
        {
            errors.Add(new FieldError("spec.template.spec.restartPolicy", "Unsupported value", "FieldValueNotSupported", Quote(restart), "supported values: \"OnFailure\", \"Never\""));
        }

        if (old is null)
        {
            return;
        }

        var oldSpec = old["spec"] as JsonObject ?? [];
        Immutable(spec, oldSpec, "selector", "spec.selector", errors);
        var oldTemplate = (oldSpec["template"] as JsonObject ?? []).DeepClone().AsObject();
        var suspendedNotStarted = oldSpec["suspend"]?.GetValue<bool>() == true && old["status"]?["startTime"] is null;
        if (suspendedNotStarted)
        {
            // AllowMutableSchedulingDirectives: node affinity, node selector, tolerations, labels, annotations and scheduling gates.
            var oldMeta = Defaults.Obj(oldTemplate, "metadata");
            CopyField(template["metadata"] as JsonObject, oldMeta, "labels");
            CopyField(template["metadata"] as JsonObject, oldMeta, "annotations");
            var oldPodSpec = Defaults.Obj(oldTemplate, "spec");
            var podSpec = template["spec"] as JsonObject;
            CopyField(podSpec, oldPodSpec, "nodeSelector");
            CopyField(podSpec, oldPodSpec, "tolerations");
            CopyField(podSpec, oldPodSpec, "schedulingGates");
            if (podSpec?["affinity"] is JsonObject affinity)
            {
                var oldAffinity = Defaults.Obj(oldPodSpec, "affinity");
                CopyField(affinity, oldAffinity, "nodeAffinity");
            }
            else if (oldPodSpec["affinity"] is JsonObject oldAffinity)
            {
                oldAffinity.Remove("nodeAffinity");
                if (oldAffinity.Count == 0)
                {
                    oldPodSpec.Remove("affinity");
                }
            }
        }

        if (!JsonNode.DeepEquals(template, oldTemplate))
        {
            errors.Add(FieldError.Invalid("spec.template", template.DeepClone(), "field is immutable"));
        }

        foreach (var field in new[] { "completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy" })
        {
            Immutable(spec, oldSpec, field, "spec." + field, errors);
        }

        if ((string?)spec["completionMode"] != "Indexed")
        {
            Immutable(spec, oldSpec, "completions", "spec.completions", errors);
        }
    }

    private static void Deployment(JsonObject d, JsonObject? old, List<FieldError> errors)
    {
        var spec = d["spec"] as JsonObject ?? [];
        var templateLabels = spec["template"]?["metadata"]?["labels"] as JsonObject;
        if (spec["selector"] is not JsonObject selector)
        {
            errors.Add(FieldError.Required("spec.selector"));
        }
        else if (selector.Count == 0 || (selector["matchLabels"] is not JsonObject { Count: > 0 } && selector["matchExpressions"] is not JsonArray { Count: > 0 }))
        {
            errors.Add(FieldError.Invalid("spec.selector", selector.DeepClone(), "empty selector is invalid for deployment"));
        }
        else if (!Matches(selector, templateLabels))
        {
            errors.Add(FieldError.Invalid("spec.template.metadata.labels", templateLabels?.DeepClone(), "`selector` does not match template `labels`"));
        }

        if (old is not null)
        {
            Immutable(spec, old["spec"] as JsonObject ?? [], "selector", "spec.selector", errors);
        }
    }

    private static void ConfigMap(JsonObject cm, List<FieldError> errors)
    {
        long total = 0;
        foreach (var (_, v) in cm["data"] as JsonObject ?? [])
        {
            total += Encoding.UTF8.GetByteCount((string?)v ?? "");
        }

        foreach (var (_, v) in cm["binaryData"] as JsonObject ?? [])
        {
            total += Base64Length((string?)v);
        }

        if (total > MaxConfigMapSize)
        {
            errors.Add(FieldError.TooLong("[]", MaxConfigMapSize));
        }
    }

    private static void Secret(JsonObject secret, List<FieldError> errors)
    {
        long total = 0;
        foreach (var (_, v) in secret["data"] as JsonObject ?? [])
        {
            total += Base64Length((string?)v);
        }

        if (total > MaxSecretSize)
        {
            errors.Add(FieldError.TooLong("data", MaxSecretSize));
        }
    }

    /// <summary>ValidateEventCreate: legacy checks for events with an eventTime, strict checks for events.k8s.io/v1.</summary>
    private static void Event(JsonObject e, List<FieldError> errors, bool eventsApi)
    {
        string? S(string field) => (string?)e[field];
        var ns = (string?)e["metadata"]?["namespace"] ?? "";
        var involved = eventsApi ? e["regarding"] : e["involvedObject"];
        var involvedNs = (string?)involved?["namespace"] ?? "";
        var hasEventTime = e["eventTime"] is not null;
        var message = eventsApi ? S("note") : S("message");
        var controllerField = eventsApi ? "reportingController" : "reportingComponent";
        var controller = eventsApi ? S("reportingController") : S("reportingComponent");
        if (!hasEventTime)
        {
            if (involvedNs.Length == 0 ? ns is not ("" or "default") : ns != involvedNs)
            {
                errors.Add(FieldError.Invalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
            }
        }
        else
        {
            if (involvedNs.Length == 0 && ns is not ("default" or "kube-system"))
            {
                errors.Add(FieldError.Invalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
            }

            if (string.IsNullOrEmpty(controller))
            {
                errors.Add(FieldError.Required(controllerField));
            }

            foreach (var m in QualifiedName(controller ?? ""))
            {
                errors.Add(FieldError.Invalid(controllerField, controller ?? "", m));
            }

            Limit(errors, "reportingInstance", S("reportingInstance"), ReportingInstanceLengthLimit, required: true);
            Limit(errors, "action", S("action"), ActionLengthLimit, required: true);
            Limit(errors, "reason", S("reason"), ReasonLengthLimit, required: true);
            Limit(errors, "message", message, NoteLengthLimit, required: false);
        }

        foreach (var m in NameRules.Dns1123Subdomain(ns))
        {
            errors.Add(FieldError.Invalid("namespace", ns, m));
        }

        if (!eventsApi)
        {
            return;
        }

        if (!hasEventTime)
        {
            errors.Add(FieldError.Required("eventTime"));
        }

        if (S("type") is not ("Normal" or "Warning"))
        {
            errors.Add(FieldError.Invalid("type", "", "has invalid value: " + S("type")));
        }

        if (e["deprecatedFirstTimestamp"] is not null)
        {
            errors.Add(FieldError.Invalid("deprecatedFirstTimestamp", "", "needs to be unset"));
        }

        if (e["deprecatedLastTimestamp"] is not null)
        {
            errors.Add(FieldError.Invalid("deprecatedLastTimestamp", "", "needs to be unset"));
        }

        if ((JsonNumbers.Long(e["deprecatedCount"]) ?? 0) != 0)
        {
            errors.Add(FieldError.Invalid("deprecatedCount", "", "needs to be unset"));
        }

        if (e["deprecatedSource"] is JsonObject { Count: > 0 })
        {
            errors.Add(FieldError.Invalid("deprecatedSource", "", "needs to be unset"));
        }
    }

    private static void Limit(List<FieldError> errors, string field, string? value, int max, bool required)
    {
        var length = Encoding.UTF8.GetByteCount(value ?? "");
        if (required && length == 0)
        {
            errors.Add(FieldError.Required(field));
        }

        if (length > max)
        {
            errors.Add(FieldError.Invalid(field, "", $"can have at most {max} characters"));
        }
    }

    /// <summary>IsQualifiedName's messages for a label key (empty when valid).</summary>
    public static List<string> QualifiedNameErrors(string value) => QualifiedName(value);

    private static List<string> QualifiedName(string value)
    {
        var errs = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0)
                {
                    errs.Add("prefix part must be non-empty");
                }
                else
                {
                    errs.AddRange(NameRules.Dns1123Subdomain(parts[0]).Select(m => "prefix part " + m));
                }

                break;
            default:
                errs.Add("a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errs;
        }

        if (name.Length == 0)
        {
            errs.Add("name part must be non-empty");
        }
        else if (Encoding.UTF8.GetByteCount(name) > 63)
        {
            errs.Add("name part must be no more than 63 bytes");
        }

        if (name.Length == 0 || NameRules.LabelValue(name).Count > 0)
        {
            errs.Add("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        }

        return errs;
    }

    private static void Immutable(JsonObject spec, JsonObject oldSpec, string field, string path, List<FieldError> errors)
    {
        if (!JsonNode.DeepEquals(spec[field], oldSpec[field]))
        {
            errors.Add(FieldError.Invalid(path, spec[field]?.DeepClone(), "field is immutable"));
        }
    }

    private static void CopyField(JsonObject? from, JsonObject to, string field)
    {
        if (from?[field] is { } value)
        {
            to[field] = value.DeepClone();
        }
        else
        {
            to.Remove(field);
        }
    }

    /// <summary>matchLabels (and In/NotIn/Exists/DoesNotExist expressions) against the template labels.</summary>
    private static bool Matches(JsonObject selector, JsonObject? labels)
    {
        foreach (var (k, v) in selector["matchLabels"] as JsonObject ?? [])
        {
            if ((string?)labels?[k] != (string?)v)
            {
                return false;
            }
        }

        foreach (var expr in Defaults.Items(selector["matchExpressions"]))
        {
            var key = (string?)expr["key"] ?? "";
            var has = labels?.ContainsKey(key) == true;
            var values = (expr["values"] as JsonArray ?? []).Select(x => (string?)x).ToList();
            var ok = (string?)expr["operator"] switch
            {
                "In" => has && values.Contains((string?)labels![key]),
                "NotIn" => !has || !values.Contains((string?)labels![key]),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static long Base64Length(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return 0;
        }

        var padding = base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0;
        return (base64.Length / 4 * 3) - padding;
    }

    private static string Quote(string s) => GoQuote.Quote(s);
}

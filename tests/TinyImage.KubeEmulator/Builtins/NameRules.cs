using System.Text.RegularExpressions;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// metadata.name rules per kind (pkg/apis/core/validation: ValidateServiceName is a DNS-1035 label, ValidateNamespaceName
/// a DNS-1123 label, everything else here a DNS-1123 subdomain) and the label-value rule, worded as
/// k8s.io/apimachinery/pkg/util/validation and pkg/api/validate/content word them.
/// </summary>
internal static partial class NameRules
{
    private const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    private const string Dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string LabelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

    /// <summary>The name errors for an object of <paramref name="type"/>, or null when the name is valid.</summary>
    public static ApiResult? Validate(ResourceType type, string name)
    {
        var messages = (type.Group, type.Plural) switch
        {
            ("", "services") => Dns1035Label(name),
            ("", "namespaces") => Dns1123Label(name),
            _ => Dns1123Subdomain(name),
        };
        return messages.Count == 0 ? null : Invalid.Result(type, name, [.. messages.Select(m => FieldError.Invalid("metadata.name", name, m))]);
    }

    public static List<string> Dns1123Label(string value)
    {
        var errs = new List<string>();
        if (value.Length > 63)
        {
            errs.Add("must be no more than 63 characters");
        }

        if (!Dns1123LabelRegex().IsMatch(value))
        {
            errs.Add(Dns1123SubdomainRegex().IsMatch(value)
                ? "must not contain dots"
                : Regex("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", Dns1123LabelFmt, "my-name", "123-abc"));
        }

        return errs;
    }

    public static List<string> Dns1123Subdomain(string value)
    {
        var errs = new List<string>();
        if (value.Length > 253)
        {
            errs.Add("must be no more than 253 characters");
        }

        if (!Dns1123SubdomainRegex().IsMatch(value))
        {
            errs.Add(Regex("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", Dns1123SubdomainFmt, "example.com"));
        }

        return errs;
    }

    public static List<string> Dns1035Label(string value)
    {
        var errs = new List<string>();
        if (value.Length > 63)
        {
            errs.Add("must be no more than 63 characters");
        }

        if (!Dns1035LabelRegex().IsMatch(value))
        {
            errs.Add(Regex("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", Dns1035LabelFmt, "my-name", "abc-123"));
        }

        return errs;
    }

    public static List<string> LabelValue(string value)
    {
        var errs = new List<string>();
        if (System.Text.Encoding.UTF8.GetByteCount(value) > 63)
        {
            errs.Add("must be no more than 63 bytes");
        }

        if (!LabelValueRegex().IsMatch(value))
        {
            errs.Add(Regex("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LabelValueFmt, "MyValue", "my_value", "12345"));
        }

        return errs;
    }

    private static string Regex(string message, string format, params string[] examples) =>
        message + " (e.g. " + string.Concat(examples.Select((e, i) => (i > 0 ? " or " : "") + "'" + e + "', ")) + "regex used for validation is '" + format + "')";

    [GeneratedRegex("^" + Dns1123LabelFmt + @"\z")]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex("^" + Dns1123SubdomainFmt + @"\z")]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex("^" + Dns1035LabelFmt + @"\z")]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex("^" + LabelValueFmt + @"\z")]
    private static partial Regex LabelValueRegex();
}

using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The advisory policy: the RustSec advisories that match a package of the image's SBOM.</summary>
public sealed class AdvisoriesSpec
{
    public const string ActionDeny = "Deny";
    public const string ActionWarn = "Warn";

    /// <summary>
    /// `Deny`: an image with a counted advisory is not deployed (reason `AdvisoryFound`; the previous verified digest keeps
    /// serving), and while the operator has no database loaded a new image waits (reason `AdvisoryDatabaseUnavailable`).
    /// `Warn`: the image deploys and the SbomVerified condition and an Event say what was found.
    /// </summary>
    [JsonPropertyName("action")]
    [EnumValues(ActionDeny, ActionWarn)]
    [Default("\"Warn\"")]
    public string Action { get; set; } = ActionWarn;

    /// <summary>Advisories not to count, each until its optional expiry date.</summary>
    [JsonPropertyName("ignore")]
    [MaxLength(64)]
    public IList<AdvisoryIgnoreSpec>? Ignore { get; set; }

    /// <summary>Whether informational advisories (unmaintained, unsound, notice) count; otherwise they are only reported.</summary>
    [JsonPropertyName("informational")]
    [Default("false")]
    public bool Informational { get; set; }

    /// <summary>
    /// The lowest CVSS severity that counts (`none`, `low`, `medium`, `high`, `critical`); absent: every severity.
    /// An advisory without a CVSS vector always counts.
    /// </summary>
    [JsonPropertyName("minSeverity")]
    [EnumValues("none", "low", "medium", "high", "critical")]
    public string? MinSeverity { get; set; }
}

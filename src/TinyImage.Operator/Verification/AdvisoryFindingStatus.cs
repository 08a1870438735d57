namespace TinyImage.Operator.Verification;

/// <summary>How the policy treats one matching advisory.</summary>
internal enum AdvisoryFindingStatus
{
    /// <summary>Counted: it fails a Deny policy and is reported by a Warn policy.</summary>
    Counted,

    /// <summary>Informational (unmaintained, unsound, notice) and the policy does not count those: a warning.</summary>
    Informational,

    /// <summary>Its CVSS severity is below the policy's minimum.</summary>
    BelowMinSeverity,

    /// <summary>An ignore entry of the policy applies.</summary>
    Ignored,
}

using TinyImage.Advisories;

namespace TinyImage.Operator.Verification;

/// <summary>The advisory policy, mapped from the TinyImage's <c>verify.advisories</c> block (or <c>verify --advisory-db</c>).</summary>
/// <param name="Action">Deny refuses an image with a counted advisory; Warn deploys it and says so.</param>
/// <param name="Ignore">Advisories not counted (each until its optional date).</param>
/// <param name="Informational">Whether informational advisories (unmaintained, unsound, notice) count.</param>
/// <param name="MinSeverity">Advisories with a CVSS severity below this do not count; null: all count. An advisory
/// without a CVSS vector always counts (no score is not a low score).</param>
internal sealed record AdvisoryPolicy(AdvisoryAction Action, IReadOnlyList<AdvisoryIgnore> Ignore, bool Informational, CvssSeverity? MinSeverity)
{
    /// <summary>What <c>verify --advisory-db</c> applies, like <c>cargo audit bin</c>: vulnerabilities fail, informational ones are warnings.</summary>
    public static AdvisoryPolicy Cli { get; } = new(AdvisoryAction.Deny, [], false, null);

    /// <summary>The defaults of <c>spec.verify.advisories</c>: Warn, nothing ignored, informational not counted, every severity.</summary>
    public static AdvisoryPolicy Default { get; } = new(AdvisoryAction.Warn, [], false, null);
}

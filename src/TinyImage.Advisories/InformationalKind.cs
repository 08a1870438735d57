namespace TinyImage.Advisories;

/// <summary>The <c>informational</c> field of an advisory: not a vulnerability, but worth knowing.</summary>
public enum InformationalKind
{
    /// <summary>A security vulnerability (no <c>informational</c> field).</summary>
    None,

    /// <summary>The crate is no longer maintained.</summary>
    Unmaintained,

    /// <summary>The crate is unsound (undefined behaviour reachable from safe code).</summary>
    Unsound,

    /// <summary>A notice of some other kind.</summary>
    Notice,

    /// <summary>A value this library does not know; see <see cref="Advisory.InformationalText"/>.</summary>
    Other,
}

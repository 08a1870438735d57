namespace TinyImage.Advisories;

/// <summary>Which part of the database an advisory comes from.</summary>
public enum AdvisoryCollection
{
    /// <summary><c>crates/</c>: advisories about crates from crates.io (the ones an audit of a dependency list matches).</summary>
    Crates,

    /// <summary><c>rust/</c>: advisories about the Rust toolchain itself (std, cargo, rustdoc).</summary>
    Rust,
}

//! A stub named like the real crate, so the SBOM lists a denied package.
pub fn name() -> &'static str {
    "openssl-sys stub"
}

namespace TinyImage.Sbom;

/// <summary>
/// Package name comparison for policies. crates.io treats names that differ only in ASCII case or in <c>-</c> versus
/// <c>_</c> as the same crate (it refuses to publish <c>foo_bar</c> when <c>Foo-Bar</c> exists) and cargo normalises
/// them the same way when looking names up in the index. A deny list therefore matches on the normalised name:
/// denying <c>openssl-sys</c> also denies <c>openssl_sys</c>, which can only ever be the same crate or an impostor.
/// </summary>
public static class PackageNames
{
    /// <summary>Lowercase ASCII letters, <c>_</c> turned into <c>-</c>.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return string.Create(name.Length, name, static (span, n) =>
        {
            for (var i = 0; i < n.Length; i++)
            {
                span[i] = n[i] == '_' ? '-' : char.ToLowerInvariant(n[i]);
            }
        });
    }

    /// <summary>True when both names denote the same crate under cargo's normalisation.</summary>
    public static bool Equivalent(string a, string b) => string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);
}

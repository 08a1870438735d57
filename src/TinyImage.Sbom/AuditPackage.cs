using System.Collections.Immutable;

namespace TinyImage.Sbom;

/// <summary>Where a package came from, as cargo-auditable records it in <c>source</c>.</summary>
public enum PackageSourceKind
{
    CratesIo,
    Git,
    Local,
    Registry,

    /// <summary>Any other string: accepted and kept verbatim in <see cref="AuditPackage.Source"/>.</summary>
    Other,
}

/// <summary>How a package is used: linked into the binary, or only run at build time (build scripts, proc macros).</summary>
public enum DependencyKind
{
    Runtime,
    Build,
}

/// <summary>One package of a cargo-auditable SBOM.</summary>
/// <param name="Name">The package name as cargo writes it.</param>
/// <param name="Version">A strict semver version.</param>
/// <param name="Source">The raw <c>source</c> string.</param>
/// <param name="Kind">Runtime unless <c>kind</c> says <c>build</c>.</param>
/// <param name="Dependencies">Indices into the package list, in the order written.</param>
/// <param name="IsRoot">True for the one root package (the binary's own crate).</param>
public sealed record AuditPackage(string Name, string Version, string Source, DependencyKind Kind, ImmutableArray<int> Dependencies, bool IsRoot)
{
    /// <summary>The classified <see cref="Source"/>.</summary>
    public PackageSourceKind SourceKind => Source switch
    {
        "crates.io" => PackageSourceKind.CratesIo,
        "git" => PackageSourceKind.Git,
        "local" => PackageSourceKind.Local,
        "registry" => PackageSourceKind.Registry,
        _ => PackageSourceKind.Other,
    };
}

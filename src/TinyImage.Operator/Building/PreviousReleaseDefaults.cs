using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Building;

/// <summary>
/// The default toolchain images of the release before build hash v2 (frozen here, whatever later releases pin): a build
/// recorded by that release, without <c>status.build.inputs</c>, is recognised by its v1 hash computed with these
/// defaults, so a release that moves its own defaults does not rebuild it. Never change these values.
/// </summary>
internal static class PreviousReleaseDefaults
{
    public const string KanikoImage = "ghcr.io/osscontainertools/kaniko:v1.28.5-debug@sha256:d6d74217dc077acfd3094992e917c357080a2d3fdd1042a49e34e29a7e57c572";
    public const string BuilderImage = "rust:1-alpine@sha256:a10e64dd139b7387337c7fbe8aca31b959b57b2fd4c8ae20a02cf1d6ea424dce";
    public const string GnuBuilderImage = "rust:1-slim-bookworm@sha256:1469a27c125cb5a3aebfa4f4e4665d935b02fb72cc093b2c974b3d740e43f157";

    /// <summary><paramref name="options"/> with the previous release's default images.</summary>
    public static OperatorOptions Apply(OperatorOptions options) =>
        options with { KanikoImage = KanikoImage, BuilderImage = BuilderImage, GnuBuilderImage = GnuBuilderImage };
}

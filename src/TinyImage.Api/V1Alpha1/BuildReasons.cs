namespace TinyImage.Api.V1Alpha1;

/// <summary>Why a build ran (status.build.reason).</summary>
public static class BuildReasons
{
    /// <summary>The TinyImage had no build yet.</summary>
    public const string FirstBuild = "FirstBuild";

    /// <summary>An input of the build hash changed (spec, source content, operator configuration).</summary>
    public const string SpecChanged = "SpecChanged";

    /// <summary>The tracked git ref moved to a new commit.</summary>
    public const string NewCommit = "NewCommit";

    /// <summary>A toolchain image named by tag moved to a new digest (spec.build.rebuildOnToolchainUpdate).</summary>
    public const string NewToolchain = "NewToolchain";

    /// <summary>The tinyimage.dev/retry annotation changed.</summary>
    public const string Retry = "Retry";
}

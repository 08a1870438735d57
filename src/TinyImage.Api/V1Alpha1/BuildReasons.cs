namespace TinyImage.Api.V1Alpha1;

/// <summary>Why a build ran (<c>status.build.reason</c>).</summary>
public static class BuildReasons
{
    /// <summary>The TinyImage's first build.</summary>
    public const string FirstBuild = "FirstBuild";

    /// <summary>The spec (or a source ConfigMap's content) changed.</summary>
    public const string SpecChanged = "SpecChanged";

    /// <summary>Only the tracked branch or tag moved to a new commit.</summary>
    public const string NewCommit = "NewCommit";

    /// <summary>A tracked toolchain image tag moved to a new digest.</summary>
    public const string NewToolchain = "NewToolchain";

    /// <summary>The tinyimage.dev/retry annotation asked for the build again.</summary>
    public const string Retry = "Retry";
}

namespace TinyImage.Oci.Layers;

/// <summary>
/// The one place the operator writes files: a scratch directory for an extracted binary too large for the memory budget
/// while an image is verified (layers are streamed, never written). Its root is the <c>--temp-dir</c> flag of <c>run</c> and
/// <c>verify</c>, else <c>$TMPDIR</c>, else <c>/tmp</c>; the chart and <c>config/manager</c> mount a size-limited <c>emptyDir</c> there, because the operator's root filesystem is read-only.
/// Every failure to create, write or read a scratch file becomes a <see cref="ScratchSpaceException"/>, never a bare
/// <see cref="IOException"/>. A test (<c>WritePathTests</c>) fails when file-writing code appears outside this class.
/// </summary>
public sealed class ScratchSpace
{
    /// <summary>The reason a verification or the <c>verify</c> verb reports when the scratch directory cannot be used.</summary>
    public const string ErrorName = "ScratchSpaceUnavailable";

    public ScratchSpace(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The directory scratch files go to.</summary>
    public string Root { get; }

    /// <summary><paramref name="configured"/> when given (the <c>--temp-dir</c> flag), else <c>$TMPDIR</c> (else <c>/tmp</c>).</summary>
    public static ScratchSpace From(string? configured) =>
        new(string.IsNullOrEmpty(configured) ? Path.GetTempPath() : configured);

    /// <summary>
    /// Throws <see cref="ScratchSpaceException"/> unless <see cref="Root"/> is an existing directory: a reader that may need
    /// the scratch volume (a binary over the memory budget) checks it up front, so a misconfigured volume is reported on every
    /// read, not only on the first large binary.
    /// </summary>
    public void EnsureUsable()
    {
        if (!Directory.Exists(Root))
        {
            throw Failure("use", new DirectoryNotFoundException("it does not exist or is not a directory"));
        }

        // Writable too (a read-only root filesystem has /tmp, unwritable): layers are streamed and most verifications
        // never write here, so without this probe a misconfigured pod would only fail on the first large binary.
        Guard(() => CreateDeleteOnClose(".probe-"), "create a file in").Dispose();
    }

    /// <summary>A new read-write file under <see cref="Root"/> that the system deletes when the stream is closed.</summary>
    public FileStream CreateDeleteOnClose(string prefix) =>
        Guard(
            () => new FileStream(
                Path.Combine(Root, prefix + Guid.NewGuid().ToString("N")),
                FileMode.CreateNew,
                FileAccess.ReadWrite,
                FileShare.None,
                81920,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous),
            "create a file in");

    /// <summary>The exception for a local I/O failure while using the scratch directory.</summary>
    public ScratchSpaceException Failure(string what, Exception cause) =>
        new($"{ErrorName}: cannot {what} the temporary directory {Root} ({cause.Message}). "
            + "Point --temp-dir (or TMPDIR) at a writable directory with room for the binaries being verified; in a pod, mount a writable volume there (the chart mounts an emptyDir).", cause);

    private T Guard<T>(Func<T> action, string what)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(what, e);
        }
    }
}

namespace TinyImage.Operator.Verification;

/// <summary>The states of a verification in the <see cref="VerificationPool"/>.</summary>
internal enum VerificationState
{
    /// <summary>Waiting for a free slot.</summary>
    Queued,

    /// <summary>Reading the image.</summary>
    Running,

    /// <summary>Finished; the result waits for its owner's next pass.</summary>
    Done,
}

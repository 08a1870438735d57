using System.Security.Cryptography;

namespace TinyImage.Oci;

/// <summary>
/// A read-only stream over a blob body that hashes what passes through and counts it. Reading more bytes than the
/// descriptor's size throws at once; at end of stream the size and the sha256 must match the descriptor, else
/// <see cref="RegistryException"/> (<see cref="RegistryErrorKind.DigestMismatch"/>) is thrown. The data read before
/// end of stream is therefore NOT trustworthy: consumers copy it somewhere private (a temp file) and act on it only
/// after the final read returned 0 without throwing (<see cref="Verified"/> is then true).
/// </summary>
public sealed class DigestVerifyingStream : ReadOnlyStream
{
    private readonly Stream inner;
    private readonly string expectedDigest;
    private readonly long expectedSize;
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IDisposable? owner;
    private readonly CancellationTokenSource? timeout;
    private long count;
    private bool finished;

    /// <param name="inner">The body.</param>
    /// <param name="expectedDigest">The descriptor's digest.</param>
    /// <param name="expectedSize">The descriptor's size.</param>
    /// <param name="owner">Disposed with this stream (the HTTP response).</param>
    /// <param name="timeout">When it fires, reads fail as <see cref="RegistryErrorKind.Unavailable"/>; disposed with this stream.</param>
    public DigestVerifyingStream(Stream inner, string expectedDigest, long expectedSize, IDisposable? owner = null, CancellationTokenSource? timeout = null)
    {
        this.inner = inner;
        this.expectedDigest = expectedDigest;
        this.expectedSize = expectedSize;
        this.owner = owner;
        this.timeout = timeout;
    }

    /// <summary>True once end of stream was reached and size and digest matched.</summary>
    public bool Verified { get; private set; }

    public override long BytesRead => count;

    public override int Read(Span<byte> buffer)
    {
        if (finished)
        {
            return 0;
        }

        int n;
        try
        {
            n = inner.Read(buffer);
        }
        catch (Exception e) when (timeout?.IsCancellationRequested == true && e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            throw TimedOut(e);
        }
        catch (IOException e)
        {
            throw Broken(e);
        }

        return Account(buffer[..n]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (finished)
        {
            return 0;
        }

        int n;
        if (timeout is null)
        {
            n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                n = await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                && e is IOException or ObjectDisposedException or OperationCanceledException)
            {
                throw TimedOut(e);
            }
            catch (IOException e)
            {
                throw Broken(e);
            }
        }

        return Account(buffer.Span[..n]);
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            Finish();
            return 0;
        }

        count += data.Length;
        if (count > expectedSize)
        {
            finished = true;
            throw new RegistryException(RegistryErrorKind.DigestMismatch, $"Blob {expectedDigest} is longer than its descriptor's {expectedSize} bytes.");
        }

        hash.AppendData(data);
        return data.Length;
    }

    private void Finish()
    {
        finished = true;
        if (count != expectedSize)
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, $"Blob {expectedDigest} ended after {count} bytes; its descriptor says {expectedSize}.");
        }

        var actual = Digests.Format(hash.GetHashAndReset());
        if (!string.Equals(actual, expectedDigest, StringComparison.Ordinal))
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, $"Blob content hashes to {actual}, not to the requested {expectedDigest}.");
        }

        Verified = true;
    }

    private RegistryException Broken(IOException e) =>
        new(RegistryErrorKind.Unavailable, $"The connection broke while downloading blob {expectedDigest} after {count} bytes: {e.Message}", e);

    private RegistryException TimedOut(Exception e) =>
        new(RegistryErrorKind.Unavailable, $"Downloading blob {expectedDigest} timed out after {count} bytes.", e);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
            inner.Dispose();
            owner?.Dispose();
            timeout?.Dispose();
        }

        base.Dispose(disposing);
    }
}

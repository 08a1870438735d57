namespace TinyImage.Oci.Layers;

/// <summary>
/// The data of one layer entry, read during the layer's pass: in memory (a <see cref="BinaryBuffer"/>) while the
/// <see cref="MemoryBudget"/> has room for its buffer, else in a scratch file deleted on close. <see cref="Data"/> is seekable and positioned at 0.
/// </summary>
internal sealed class CapturedFile : IDisposable
{
    private CapturedFile(int layer, int ordinal, Stream data)
    {
        Layer = layer;
        Ordinal = ordinal;
        Data = data;
    }

    /// <summary>The layer the entry is in.</summary>
    public int Layer { get; }

    /// <summary>The entry's ordinal in its layer.</summary>
    public int Ordinal { get; }

    /// <summary>The entry's bytes.</summary>
    public Stream Data { get; }

    /// <summary>Reads the current entry of <paramref name="reader"/> (its header was <paramref name="entry"/>), whole.</summary>
    public static async Task<CapturedFile> ReadAsync(TarStreamReader reader, TarEntry entry, int layer, MemoryBudget memory, ScratchSpace scratch, long maxBytes, CancellationToken cancellationToken)
    {
        if (entry.Size > maxBytes)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"The entry is {entry.Size} bytes, over the limit of {maxBytes}.");
        }

        if (entry.Size <= Array.MaxLength && memory.TryReserve(BinaryBuffer.HeldBytes((int)entry.Size)) is { } lease)
        {
            BinaryBuffer? buffer = null;
            try
            {
                buffer = BinaryBuffer.Rent((int)entry.Size);
                await reader.ReadDataAsync(buffer.Memory, cancellationToken).ConfigureAwait(false);
                return new CapturedFile(layer, entry.Ordinal, new LeasedMemoryStream(buffer, lease));
            }
            catch
            {
                buffer?.Dispose();
                lease.Dispose();
                throw;
            }
        }

        var file = scratch.CreateDeleteOnClose("tinyimage-binary-");
        try
        {
            await reader.CopyDataAsync(file, maxBytes, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            return new CapturedFile(layer, entry.Ordinal, file);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void Dispose() => Data.Dispose();
}

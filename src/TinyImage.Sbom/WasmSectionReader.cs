namespace TinyImage.Sbom;

/// <summary>
/// Finds the <c>.dep-v0</c> custom section (id 0) in a WebAssembly module by walking the section headers
/// (id byte, LEB128 size) and reading only custom section names.
/// </summary>
public static class WasmSectionReader
{
    private const int MaxLeb128Bytes = 5;

    public static SbomOutcome<AuditSection> Find(BinaryView view)
    {
        Span<byte> preamble = stackalloc byte[8];
        if (!view.TryRead(0, preamble))
        {
            return Truncated("wasm preamble (8 bytes)");
        }

        if (preamble[4] != 1 || preamble[5] != 0 || preamble[6] != 0 || preamble[7] != 0)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, "The wasm module's version is not 1.");
        }

        Span<byte> head = stackalloc byte[1 + MaxLeb128Bytes];
        Span<byte> nameHead = stackalloc byte[MaxLeb128Bytes + 8];
        long offset = 8;
        for (var count = 0; offset < view.Length; count++)
        {
            if (count >= SectionNames.MaxHeaderCount)
            {
                return SbomOutcome<AuditSection>.Fail(SbomError.TooManyHeaders, $"The wasm module has more than {SectionNames.MaxHeaderCount} sections.");
            }

            var n = view.ReadAtMost(offset, head);
            if (n < 2 || !TryLeb128(head[1..n], out var size, out var sizeBytes))
            {
                return Truncated($"wasm section header at offset {offset}");
            }

            var bodyStart = offset + 1 + sizeBytes;
            if (!view.Contains(bodyStart, size))
            {
                return SbomOutcome<AuditSection>.Fail(SbomError.SectionOutOfBounds, $"The wasm section at offset {offset} ({size} bytes) lies outside the {view.Length}-byte file.");
            }

            if (head[0] == 0)
            {
                var m = view.ReadAtMost(bodyStart, nameHead[..(int)Math.Min(nameHead.Length, size)]);
                if (!TryLeb128(nameHead[..m], out var nameLength, out var nameLengthBytes) || nameLengthBytes + nameLength > size)
                {
                    return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"The wasm custom section at offset {offset} has a name longer than the section.");
                }

                if (nameLength == SectionNames.Current.Length &&
                    BinaryView.FixedNameEquals(nameHead.Slice(nameLengthBytes, (int)nameLength), SectionNames.Current))
                {
                    var dataStart = bodyStart + nameLengthBytes + nameLength;
                    return SbomOutcome<AuditSection>.Ok(new AuditSection(BinaryFormat.Wasm, SectionNames.Current, dataStart, size - nameLengthBytes - nameLength));
                }
            }

            offset = bodyStart + size;
        }

        return SbomOutcome<AuditSection>.Fail(SbomError.NoAuditData, $"The wasm module has no {SectionNames.Current} custom section.");
    }

    /// <summary>Decodes an unsigned LEB128 value of at most 32 bits.</summary>
    private static bool TryLeb128(ReadOnlySpan<byte> bytes, out long value, out int length)
    {
        value = 0;
        for (var i = 0; i < Math.Min(bytes.Length, MaxLeb128Bytes); i++)
        {
            value |= (long)(bytes[i] & 0x7F) << (7 * i);
            if ((bytes[i] & 0x80) == 0)
            {
                length = i + 1;
                return value <= uint.MaxValue;
            }
        }

        length = 0;
        return false;
    }

    private static SbomOutcome<AuditSection> Truncated(string what) =>
        SbomOutcome<AuditSection>.Fail(SbomError.TruncatedHeader, $"The {what} reaches past the end of the file.");
}

using TinyImage.Sbom;
using Xunit;
using static TinyImage.Testing.SyntheticBinaries;

namespace TinyImage.Sbom.Tests;

public sealed class SectionReaderTests
{
    public static TheoryData<string> Variants() =>
    [
        "elf32-le", "elf32-be", "elf64-le", "elf64-be", "pe", "macho32-le", "macho32-be", "macho64-le", "macho64-be", "fat", "wasm",
    ];

    internal static byte[] Build(string variant, byte[] payload) => variant switch
    {
        "elf32-le" => Elf(false, false, payload).Bytes,
        "elf32-be" => Elf(false, true, payload).Bytes,
        "elf64-le" => Elf(true, false, payload).Bytes,
        "elf64-be" => Elf(true, true, payload).Bytes,
        "pe" => Pe(payload),
        "macho32-le" => MachO(false, false, payload),
        "macho32-be" => MachO(false, true, payload),
        "macho64-le" => MachO(true, false, payload),
        "macho64-be" => MachO(true, true, payload),
        "fat" => Fat(MachO(true, false, [1, 2, 3], sectionName: "__const"), MachO(true, false, payload)),
        "wasm" => Wasm(payload),
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    private static SbomOutcome<AuditData> Read(byte[] bytes) => AuditDataReader.Read(new MemoryStream(bytes, writable: false));

    private static void AssertError(SbomError expected, SbomOutcome<AuditData> result)
    {
        Assert.False(result.IsSuccess, $"expected {expected}, got success");
        Assert.Equal(expected, result.Failure.Error);
        Assert.False(string.IsNullOrWhiteSpace(result.Failure.Message));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Reader_Decodes_A_Synthetic_Binary_Of_Each_Format(string variant)
    {
        var result = Read(Build(variant, ValidPayload()));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(["serde", "app"], result.Value.Packages.Select(p => p.Name));
        Assert.Equal("app", result.Value.Root.Name);
        Assert.Equal(".dep-v0", result.Value.Section!.Name);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Reader_Returns_A_Named_Error_For_Every_Truncation_Of_Each_Format(string variant)
    {
        var bytes = Build(variant, ValidPayload());

        // Cutting zero padding after the last meaningful byte (PE raw-size padding, fat alignment) loses nothing.
        var meaningful = Array.FindLastIndex(bytes, b => b != 0) + 1;
        for (var length = 0; length < meaningful; length++)
        {
            var result = Read(bytes[..length]);

            Assert.False(result.IsSuccess, $"{variant} cut at {length} of {bytes.Length} was accepted");
            Assert.True(Enum.IsDefined(result.Failure.Error));
        }
    }

    [Fact]
    public void Reader_Finds_Legacy_Section_Names_In_Elf_Pe_And_MachO()
    {
        Assert.Equal(".rust-deps-v0", Read(Elf(true, false, ValidPayload(), ".rust-deps-v0").Bytes).Value!.Section!.Name);
        Assert.Equal("rdep-v0", Read(Pe(ValidPayload(), "rdep-v0")).Value!.Section!.Name);
        Assert.Equal(".rust-deps-v0", Read(MachO(true, false, ValidPayload(), ".rust-deps-v0")).Value!.Section!.Name);
    }

    [Fact]
    public void Reader_Prefers_Dep_V0_Over_The_Legacy_Section()
    {
        var (bytes, _) = Elf(true, false, ValidPayload(), ".rust-deps-v0", secondName: ".dep-v0");

        Assert.Equal(".dep-v0", Read(bytes).Value!.Section!.Name);
    }

    [Fact]
    public void Reader_Ignores_A_MachO_Section_Outside_The_Data_Segment()
    {
        AssertError(SbomError.NoAuditData, Read(MachO(true, false, ValidPayload(), segmentName: "__TEXT")));
    }

    [Fact]
    public void Reader_Rejects_Unknown_Formats_And_Empty_Files()
    {
        AssertError(SbomError.UnknownBinaryFormat, Read([]));
        AssertError(SbomError.UnknownBinaryFormat, Read("#!/bin/sh\necho hi\n"u8.ToArray()));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void Reader_Rejects_Section_Header_Table_Past_End_Of_File(bool is64, bool bigEndian)
    {
        var (bytes, layout) = Elf(is64, bigEndian, ValidPayload());
        layout.WriteWord(bytes, layout.ShoffField, (ulong)bytes.Length - 8);

        AssertError(SbomError.TruncatedHeader, Read(bytes));
    }

    [Fact]
    public void Reader_Rejects_Section_Offset_Past_End_Of_File()
    {
        var (bytes, layout) = Elf(true, false, ValidPayload());
        layout.WriteWord(bytes, layout.OffsetField(1), (ulong)bytes.Length + 100);

        AssertError(SbomError.SectionOutOfBounds, Read(bytes));
    }

    [Theory]
    [InlineData(true, ulong.MaxValue)]
    [InlineData(true, long.MaxValue)]
    [InlineData(false, uint.MaxValue)]
    public void Reader_Rejects_Huge_Section_Sizes(bool is64, ulong size)
    {
        var (bytes, layout) = Elf(is64, false, ValidPayload());
        layout.WriteWord(bytes, layout.SizeField(1), size);

        AssertError(SbomError.SectionOutOfBounds, Read(bytes));
    }

    [Fact]
    public void Reader_Refuses_A_Section_Larger_Than_The_Cap_Without_Reading_It()
    {
        var (head, layout) = Elf(true, false, ValidPayload());
        layout.WriteWord(head, layout.SizeField(1), 9UL * 1024 * 1024);
        var huge = new ZeroTailStream(head, 64L * 1024 * 1024);

        var result = AuditDataReader.Read(huge);

        AssertError(SbomError.CompressedTooLarge, result);
        Assert.True(huge.BytesRead < 4096, $"read {huge.BytesRead} bytes");
    }

    [Fact]
    public void Reader_Rejects_A_Huge_Extended_Section_Count()
    {
        var (bytes, layout) = Elf(true, false, ValidPayload());
        new Writer(bytes, false).U16(layout.ShnumField, 0);
        layout.WriteWord(bytes, layout.SizeField(0), 1_000_000_000);

        AssertError(SbomError.TooManyHeaders, Read(bytes));
    }

    [Fact]
    public void Reader_Rejects_A_Section_Count_Whose_Table_Does_Not_Fit_The_File()
    {
        var (bytes, layout) = Elf(true, false, ValidPayload());
        new Writer(bytes, false).U16(layout.ShnumField, 60_000);

        AssertError(SbomError.TruncatedHeader, Read(bytes));
    }

    [Fact]
    public void Reader_Rejects_Lying_Elf_Header_Fields()
    {
        var (small, l1) = Elf(true, false, ValidPayload());
        new Writer(small, false).U16(l1.ShentsizeField, 16);
        AssertError(SbomError.InvalidHeader, Read(small));

        var (strndx, l2) = Elf(true, false, ValidPayload());
        new Writer(strndx, false).U16(l2.ShstrndxField, 7);
        AssertError(SbomError.InvalidHeader, Read(strndx));

        var (cls, _) = Elf(true, false, ValidPayload());
        cls[4] = 9;
        AssertError(SbomError.InvalidHeader, Read(cls));

        var (strtab, l3) = Elf(true, false, ValidPayload());
        l3.WriteWord(strtab, l3.OffsetField(2), ulong.MaxValue - 4);
        AssertError(SbomError.SectionOutOfBounds, Read(strtab));

        var (nobits, l4) = Elf(true, false, ValidPayload());
        new Writer(nobits, false).U32(l4.SectionHeader(1) + 4, 8);
        AssertError(SbomError.InvalidHeader, Read(nobits));
    }

    [Fact]
    public void Reader_Reports_NoAuditData_For_An_Elf_Without_The_Section()
    {
        AssertError(SbomError.NoAuditData, Read(Elf(true, false, ValidPayload(), ".rodata").Bytes));
    }

    [Fact]
    public void Reader_Rejects_Lying_Pe_Headers()
    {
        var lfanew = Pe(ValidPayload());
        new Writer(lfanew, false).U32(0x3C, 0x7FFF_FFF0);
        AssertError(SbomError.TruncatedHeader, Read(lfanew));

        var signature = Pe(ValidPayload());
        signature[0x41] = (byte)'X';
        AssertError(SbomError.InvalidHeader, Read(signature));

        AssertError(SbomError.TruncatedHeader, Read(Pe(ValidPayload(), sectionCount: 65_535)));

        var pointer = Pe(ValidPayload());
        new Writer(pointer, false).U32(PeSectionTable + 20, 0xFFFF_FF00);
        AssertError(SbomError.SectionOutOfBounds, Read(pointer));

        var rawSize = Pe(ValidPayload(), virtualSize: uint.MaxValue);
        new Writer(rawSize, false).U32(PeSectionTable + 16, uint.MaxValue);
        AssertError(SbomError.SectionOutOfBounds, Read(rawSize));
    }

    [Fact]
    public void Reader_Reads_Pe_VirtualSize_Bytes_Not_The_Padding()
    {
        var payload = ValidPayload();
        var section = AuditSectionLocator.Locate(new BinaryView(new MemoryStream(Pe(payload))));

        Assert.Equal(payload.Length, section.Value!.Length);
    }

    [Fact]
    public void Reader_Rejects_Lying_MachO_Headers()
    {
        var ncmds = MachO(true, false, ValidPayload());
        new Writer(ncmds, false).U32(16, 1_000_000);
        AssertError(SbomError.TooManyHeaders, Read(ncmds));

        var sizeofcmds = MachO(true, false, ValidPayload());
        new Writer(sizeofcmds, false).U32(20, 0x7FFF_FFFF);
        AssertError(SbomError.TruncatedHeader, Read(sizeofcmds));

        var cmdsize = MachO(true, false, ValidPayload());
        new Writer(cmdsize, false).U32(32 + 4, 0);
        AssertError(SbomError.InvalidHeader, Read(cmdsize));

        var nsects = MachO(true, false, ValidPayload());
        new Writer(nsects, false).U32(32 + 64, 0x1000_0000);
        AssertError(SbomError.InvalidHeader, Read(nsects));

        var offset = MachO(true, false, ValidPayload());
        new Writer(offset, false).U32(32 + 72 + 48, 0xFFFF_0000);
        AssertError(SbomError.SectionOutOfBounds, Read(offset));

        var size = MachO(true, true, ValidPayload());
        new Writer(size, true).U64(32 + 72 + 40, ulong.MaxValue);
        AssertError(SbomError.SectionOutOfBounds, Read(size));
    }

    [Fact]
    public void Reader_Rejects_Lying_Fat_Headers()
    {
        var count = Fat(MachO(true, false, ValidPayload()));
        new Writer(count, true).U32(4, 1000);
        AssertError(SbomError.TooManyHeaders, Read(count));

        var slice = Fat(MachO(true, false, ValidPayload()));
        new Writer(slice, true).U32(8 + 8, 0xFFFF_0000);
        AssertError(SbomError.SectionOutOfBounds, Read(slice));

        var nested = Fat(Fat(MachO(true, false, ValidPayload())));
        AssertError(SbomError.InvalidHeader, Read(nested));
    }

    [Fact]
    public void Reader_Rejects_Lying_Wasm_Headers()
    {
        var version = Wasm(ValidPayload());
        version[4] = 2;
        AssertError(SbomError.InvalidHeader, Read(version));

        var size = new MemoryStream();
        size.Write([0x00, (byte)'a', (byte)'s', (byte)'m', 1, 0, 0, 0, 0]);
        Leb(size, 0x7FFF_FFFF);
        AssertError(SbomError.SectionOutOfBounds, Read(size.ToArray()));

        byte[] leb = [0x00, (byte)'a', (byte)'s', (byte)'m', 1, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        AssertError(SbomError.TruncatedHeader, Read(leb));

        var name = new MemoryStream();
        name.Write([0x00, (byte)'a', (byte)'s', (byte)'m', 1, 0, 0, 0, 0, 2, 100, 1]);
        AssertError(SbomError.InvalidHeader, Read(name.ToArray()));
    }

    [Fact]
    public void Reader_Rejects_A_Huge_Wasm_Section_Count()
    {
        var ms = new MemoryStream();
        ms.Write([0x00, (byte)'a', (byte)'s', (byte)'m', 1, 0, 0, 0]);
        for (var i = 0; i < 70_000; i++)
        {
            ms.Write([1, 0]); // empty type sections
        }

        AssertError(SbomError.TooManyHeaders, Read(ms.ToArray()));
    }

    [Fact]
    public void Reader_Reads_Only_Headers_And_The_Section_Of_A_Large_File()
    {
        var (head, _) = Elf(true, false, ValidPayload());
        var sparse = new ZeroTailStream(head, 512L * 1024 * 1024);

        var result = AuditDataReader.Read(sparse);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.True(sparse.BytesRead < 4096, $"read {sparse.BytesRead} bytes");
    }
}

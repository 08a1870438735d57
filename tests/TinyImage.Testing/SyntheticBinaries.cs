using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TinyImage.Testing;

/// <summary>
/// Builds minimal but well-formed ELF, PE, Mach-O (thin and fat) and wasm files carrying an audit section, with the
/// offsets of their header fields exposed so tests can make them lie. Generated in memory; nothing is stored.
/// </summary>
public static class SyntheticBinaries
{
    public const string ValidJson =
        """{"packages":[{"name":"serde","version":"1.0.219","source":"crates.io"},{"name":"app","version":"0.1.0","source":"local","dependencies":[0],"root":true}]}""";

    public static byte[] Zlib(string json) => Zlib(Encoding.UTF8.GetBytes(json));

    public static byte[] Zlib(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(data);
        }

        return ms.ToArray();
    }

    public static byte[] ValidPayload() => Zlib(ValidJson);

    /// <summary>ELF layout: header, payload at <see cref="ElfLayout.PayloadOffset"/>, string table, then 3 section headers (null, audit, shstrtab).</summary>
    public static (byte[] Bytes, ElfLayout Layout) Elf(bool is64, bool bigEndian, byte[] payload, string sectionName = ".dep-v0", string? secondName = null)
    {
        var headerSize = is64 ? 64 : 52;
        var shentsize = is64 ? 64 : 40;
        var names = new List<string> { sectionName };
        if (secondName is not null)
        {
            names.Add(secondName);
        }

        names.Add(".shstrtab");
        var strtab = new MemoryStream();
        strtab.WriteByte(0);
        var nameOffsets = new List<int>();
        foreach (var n in names)
        {
            nameOffsets.Add((int)strtab.Length);
            strtab.Write(Encoding.ASCII.GetBytes(n));
            strtab.WriteByte(0);
        }

        var payloadOffset = headerSize;
        var strtabOffset = payloadOffset + payload.Length;
        var shoff = Align(strtabOffset + (int)strtab.Length, 8);
        var shnum = names.Count + 1;
        var bytes = new byte[shoff + (shnum * shentsize)];
        bytes[0] = 0x7F;
        bytes[1] = (byte)'E';
        bytes[2] = (byte)'L';
        bytes[3] = (byte)'F';
        bytes[4] = (byte)(is64 ? 2 : 1);
        bytes[5] = (byte)(bigEndian ? 2 : 1);
        bytes[6] = 1;
        var w = new Writer(bytes, bigEndian);
        w.U16(16, 3); // ET_DYN
        w.U16(18, 62);
        var layout = new ElfLayout(
            is64,
            bigEndian,
            ShoffField: is64 ? 0x28 : 0x20,
            ShentsizeField: is64 ? 0x3A : 0x2E,
            ShnumField: is64 ? 0x3C : 0x30,
            ShstrndxField: is64 ? 0x3E : 0x32,
            SectionHeaderTable: shoff,
            SectionHeaderSize: shentsize,
            PayloadOffset: payloadOffset);
        if (is64)
        {
            w.U64(0x28, (ulong)shoff);
        }
        else
        {
            w.U32(0x20, (uint)shoff);
        }

        w.U16(layout.ShentsizeField, (ushort)shentsize);
        w.U16(layout.ShnumField, (ushort)shnum);
        w.U16(layout.ShstrndxField, (ushort)(shnum - 1));
        payload.CopyTo(bytes, payloadOffset);
        strtab.ToArray().CopyTo(bytes, strtabOffset);
        for (var i = 0; i < names.Count; i++)
        {
            var isStrtab = i == names.Count - 1;
            layout.WriteSection(bytes, i + 1, (uint)nameOffsets[i], isStrtab ? 3u : 1u, isStrtab ? (ulong)strtabOffset : (ulong)payloadOffset, isStrtab ? (ulong)strtab.Length : (ulong)payload.Length);
        }

        return (bytes, layout);
    }

    /// <summary>PE32+: DOS header, PE signature at 0x40, COFF header with no optional header, one section at 0x58, data at 0x200 padded to 512.</summary>
    public static byte[] Pe(byte[] payload, string name = ".dep-v0", uint? virtualSize = null, int sectionCount = 1)
    {
        var raw = Align(payload.Length, 512);
        var bytes = new byte[0x200 + raw];
        var w = new Writer(bytes, bigEndian: false);
        bytes[0] = (byte)'M';
        bytes[1] = (byte)'Z';
        w.U32(0x3C, 0x40);
        "PE\0\0"u8.CopyTo(bytes.AsSpan(0x40));
        w.U16(0x44, 0x8664);
        w.U16(0x46, (ushort)sectionCount);
        w.U16(0x54, 0);
        Encoding.ASCII.GetBytes(name).CopyTo(bytes, PeSectionTable);
        w.U32(PeSectionTable + 8, virtualSize ?? (uint)payload.Length);
        w.U32(PeSectionTable + 12, 0x1000);
        w.U32(PeSectionTable + 16, (uint)raw);
        w.U32(PeSectionTable + 20, 0x200);
        payload.CopyTo(bytes, 0x200);
        return bytes;
    }

    public const int PeSectionTable = 0x58;

    /// <summary>Thin Mach-O: header, one LC_SEGMENT(_64) "__DATA" with one section, payload after the commands.</summary>
    public static byte[] MachO(bool is64, bool bigEndian, byte[] payload, string sectionName = ".dep-v0", string segmentName = "__DATA")
    {
        var headerSize = is64 ? 32 : 28;
        var segSize = is64 ? 72 : 56;
        var sectSize = is64 ? 80 : 68;
        var cmdsize = segSize + sectSize;
        var payloadOffset = headerSize + cmdsize;
        var bytes = new byte[payloadOffset + payload.Length];
        var w = new Writer(bytes, bigEndian);
        w.U32(0, is64 ? 0xFEEDFACF : 0xFEEDFACE);
        w.U32(4, is64 ? 0x01000007u : 7u);
        w.U32(12, 2); // MH_EXECUTE
        w.U32(16, 1);
        w.U32(20, (uint)cmdsize);
        var c = headerSize;
        w.U32(c, is64 ? 0x19u : 0x1u);
        w.U32(c + 4, (uint)cmdsize);
        Encoding.ASCII.GetBytes(segmentName).CopyTo(bytes, c + 8);
        w.U32(c + segSize - 8, 1);
        var s = c + segSize;
        Encoding.ASCII.GetBytes(sectionName).CopyTo(bytes, s);
        Encoding.ASCII.GetBytes(segmentName).CopyTo(bytes, s + 16);
        if (is64)
        {
            w.U64(s + 40, (ulong)payload.Length);
            w.U32(s + 48, (uint)payloadOffset);
        }
        else
        {
            w.U32(s + 36, (uint)payload.Length);
            w.U32(s + 40, (uint)payloadOffset);
        }

        payload.CopyTo(bytes, payloadOffset);
        return bytes;
    }

    /// <summary>Fat (universal) Mach-O with the given thin slices, each at a 16-byte aligned offset.</summary>
    public static byte[] Fat(params byte[][] slices)
    {
        var offset = Align(8 + (20 * slices.Length), 16);
        var offsets = new List<int>();
        foreach (var s in slices)
        {
            offsets.Add(offset);
            offset = Align(offset + s.Length, 16);
        }

        var bytes = new byte[offset];
        var w = new Writer(bytes, bigEndian: true);
        w.U32(0, 0xCAFEBABE);
        w.U32(4, (uint)slices.Length);
        for (var i = 0; i < slices.Length; i++)
        {
            w.U32(8 + (20 * i), 0x01000007);
            w.U32(8 + (20 * i) + 8, (uint)offsets[i]);
            w.U32(8 + (20 * i) + 12, (uint)slices[i].Length);
            slices[i].CopyTo(bytes, offsets[i]);
        }

        return bytes;
    }

    /// <summary>wasm: preamble, a "linking" custom section, then the audit custom section.</summary>
    public static byte[] Wasm(byte[] payload, string name = ".dep-v0")
    {
        var ms = new MemoryStream();
        ms.Write([0x00, (byte)'a', (byte)'s', (byte)'m', 1, 0, 0, 0]);
        WriteCustom(ms, "linking", [2]);
        WriteCustom(ms, name, payload);
        return ms.ToArray();
    }

    public static void WriteCustom(Stream ms, string name, byte[] payload)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var body = new MemoryStream();
        Leb(body, (uint)nameBytes.Length);
        body.Write(nameBytes);
        body.Write(payload);
        ms.WriteByte(0);
        Leb(ms, (uint)body.Length);
        ms.Write(body.ToArray());
    }

    public static void Leb(Stream s, uint value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            s.WriteByte(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;

    /// <summary>Where an ELF file's header fields are, for making them lie.</summary>
    public sealed record ElfLayout(bool Is64, bool BigEndian, int ShoffField, int ShentsizeField, int ShnumField, int ShstrndxField, int SectionHeaderTable, int SectionHeaderSize, int PayloadOffset)
    {
        public int SectionHeader(int index) => SectionHeaderTable + (index * SectionHeaderSize);

        public int OffsetField(int index) => SectionHeader(index) + (Is64 ? 0x18 : 0x10);

        public int SizeField(int index) => SectionHeader(index) + (Is64 ? 0x20 : 0x14);

        /// <summary>Writes an offset/size-sized field (8 bytes in ELF64, 4 in ELF32).</summary>
        public void WriteWord(byte[] bytes, int at, ulong value)
        {
            var w = new Writer(bytes, BigEndian);
            if (Is64)
            {
                w.U64(at, value);
            }
            else
            {
                w.U32(at, (uint)value);
            }
        }

        public void WriteSection(byte[] bytes, int index, uint name, uint type, ulong offset, ulong size)
        {
            var w = new Writer(bytes, BigEndian);
            var h = SectionHeader(index);
            w.U32(h, name);
            w.U32(h + 4, type);
            WriteWord(bytes, OffsetField(index), offset);
            WriteWord(bytes, SizeField(index), size);
        }
    }

    /// <summary>Endian-aware field writer over a byte array.</summary>
    public readonly struct Writer(byte[] bytes, bool bigEndian)
    {
        public void U16(int at, ushort v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), v);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), v);
            }
        }

        public void U32(int at, uint v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), v);
            }
        }

        public void U64(int at, ulong v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(at), v);
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), v);
            }
        }
    }
}

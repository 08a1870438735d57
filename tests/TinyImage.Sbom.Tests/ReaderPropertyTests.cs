using FsCheck;
using FsCheck.Fluent;
using TinyImage.Sbom;
using TinyImage.Testing;
using Xunit;
using static TinyImage.Testing.SyntheticBinaries;

namespace TinyImage.Sbom.Tests;

/// <summary>FsCheck properties: whatever the bytes, the reader returns a result (success or a named error) and never throws.</summary>
public sealed class ReaderPropertyTests
{
    private const int Iterations = 300;

    private static readonly byte[][] Magics =
    [
        [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0],
        [0x7F, (byte)'E', (byte)'L', (byte)'F', 1, 2, 1, 0],
        [(byte)'M', (byte)'Z'],
        [0xFE, 0xED, 0xFA, 0xCF],
        [0xCF, 0xFA, 0xED, 0xFE],
        [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2],
        [0x00, (byte)'a', (byte)'s', (byte)'m', 1, 0, 0, 0],
    ];

    private static bool ReturnsAResult(byte[] bytes)
    {
        var result = AuditDataReader.Read(new MemoryStream(bytes, writable: false));
        return result.IsSuccess ? result.Value.Packages.Length > 0 : Enum.IsDefined(result.Failure.Error);
    }

    [Fact]
    public void Reader_Returns_A_Result_For_Random_Bytes_After_Any_Magic()
    {
        var gen =
            from magic in Gen.Elements(Magics)
            from tail in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>())
            select (byte[])[.. magic, .. tail];

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Iterations), Prop.ForAll(gen.ToArbitrary(), ReturnsAResult));
    }

    [Fact]
    public void Reader_Returns_A_Result_For_Mutated_Synthetic_Binaries()
    {
        var variants = SectionReaderTests.Variants().Select(row => SectionReaderTests.Build((string)row.Data, ValidPayload())).ToArray();
        var gen =
            from original in Gen.Elements(variants)
            from edits in Gen.ListOf(
                from position in Gen.Choose(0, original.Length - 1)
                from value in ArbMap.Default.GeneratorFor<byte>()
                select (position, value))
            from cut in Gen.Choose(0, original.Length)
            select Mutate(original, edits, cut);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Iterations), Prop.ForAll(gen.ToArbitrary(), ReturnsAResult));
    }

    [Fact]
    public void Reader_Returns_A_Result_For_Mutated_Fixture_Headers()
    {
        if (AuditFixtures.WithAuditData().Select(row => (string)row.Data).FirstOrDefault(n => n != AuditFixtures.Absent) is not { } _)
        {
            Assert.Skip(AuditFixtures.SkipReason);
        }

        var originals = AuditFixtures.WithAuditData().Select(row => AuditFixtures.Bytes((string)row.Data)).ToArray();
        var gen =
            from original in Gen.Elements(originals)
            from edits in Gen.ListOf(
                from position in Gen.Choose(0, Math.Min(original.Length, 4096) - 1)
                from value in ArbMap.Default.GeneratorFor<byte>()
                select (position, value))
            select Mutate(original, edits, original.Length);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(gen.ToArbitrary(), ReturnsAResult));
    }

    [Fact]
    public void Decoder_Returns_A_Result_For_Mutated_Zlib_Payloads()
    {
        var payload = ValidPayload();
        var gen =
            from edits in Gen.ListOf(
                from position in Gen.Choose(0, payload.Length - 1)
                from value in ArbMap.Default.GeneratorFor<byte>()
                select (position, value))
            from cut in Gen.Choose(0, payload.Length)
            select Mutate(payload, edits, cut);

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(Iterations),
            Prop.ForAll(gen.ToArbitrary(), bytes =>
            {
                var result = AuditDataDecoder.Decode(bytes);
                return result.IsSuccess || Enum.IsDefined(result.Failure.Error);
            }));
    }

    private static byte[] Mutate(byte[] original, IEnumerable<(int Position, byte Value)> edits, int cut)
    {
        var copy = (byte[])original.Clone();
        foreach (var (position, value) in edits)
        {
            copy[position] = value;
        }

        return copy[..cut];
    }
}

namespace TinyImage.KubeEmulator.Protobuf;

/// <summary>A minimal protobuf wire-format reader (varint, 64-bit, length-delimited, 32-bit), bounds-checked.</summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly bool End => _pos >= _data.Length;

    /// <summary>Reads a field key: its number and wire type.</summary>
    public (int Number, int WireType) ReadKey()
    {
        var key = ReadVarint();
        var number = (int)(key >> 3);
        if (number <= 0)
        {
            throw new FormatException("invalid field number 0");
        }

        return (number, (int)(key & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length)
            {
                throw new FormatException("truncated varint");
            }

            var b = _data[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new FormatException("varint longer than 10 bytes");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _pos))
        {
            throw new FormatException("length-delimited field runs past the end of the message");
        }

        var slice = _data.Slice(_pos, (int)length);
        _pos += (int)length;
        return slice;
    }

    /// <summary>Skips a field of an unknown number.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Advance(8);
                break;
            case 2:
                ReadBytes();
                break;
            case 5:
                Advance(4);
                break;
            default:
                throw new FormatException($"unsupported wire type {wireType}");
        }
    }

    private void Advance(int count)
    {
        if (_data.Length - _pos < count)
        {
            throw new FormatException("truncated fixed-width field");
        }

        _pos += count;
    }
}

using System.Globalization;
using System.Numerics;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// resource.Quantity as the API server reads and writes it (k8s.io/apimachinery/pkg/api/resource/quantity.go):
/// parsed with the same grammar, rounded up to nano precision, capped for binary suffixes, and written back in
/// canonical form (<c>1000m</c> -> <c>1</c>, <c>1024Mi</c> -> <c>1Gi</c>, <c>0.5</c> -> <c>500m</c>), except that a
/// string already in canonical form is kept as sent, as the server caches it.
/// </summary>
internal static class Quantity
{
    public const string FormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    private static readonly BigInteger MaxAllowed = long.MaxValue;

    private enum Format
    {
        DecimalSI,
        BinarySI,
        DecimalExponent,
    }

    /// <summary>
    /// The canonical text of <paramref name="input"/>, or null with the server's parse error. <paramref name="roundToMilli"/>
    /// adds what defaulting does to every ResourceList value (SetDefaults_ResourceList: round up to milli scale).
    /// </summary>
    public static string? Canonical(string input, bool roundToMilli, out string? error)
    {
        error = null;
        if (input.Length == 0)
        {
            error = FormatError;
            return null;
        }

        if (input == "0")
        {
            return "0";
        }

        if (!Split(input, out var positive, out var num, out var denom, out var suffix))
        {
            error = FormatError;
            return null;
        }

        if (!Interpret(suffix, out var numberBase, out var exponent, out var format))
        {
            error = "unable to parse quantity's suffix";
            return null;
        }

        if (KeepsInputAsCanonical(num, denom, exponent, format, roundToMilli))
        {
            return input;
        }

        // value = (num.denom) * base^exponent, as unscaled * 10^exp10.
        var unscaled = BigInteger.Parse(num + denom, NumberStyles.None, CultureInfo.InvariantCulture);
        var exp10 = -denom.Length;
        if (numberBase == 10)
        {
            exp10 += exponent;
        }
        else
        {
            unscaled <<= exponent;
        }

        if (!unscaled.IsZero && exp10 < -9)
        {
            var divisor = BigInteger.Pow(10, -9 - exp10);
            unscaled = BigInteger.DivRem(unscaled, divisor, out var rest) + (rest.IsZero ? 0 : 1);
            exp10 = -9;
        }

        if (roundToMilli && !unscaled.IsZero && exp10 < -3)
        {
            var divisor = BigInteger.Pow(10, -3 - exp10);
            unscaled = BigInteger.DivRem(unscaled, divisor, out var rest) + (rest.IsZero ? 0 : 1);
            exp10 = -3;
        }

        if (format == Format.BinarySI && Compare(unscaled, exp10, MaxAllowed) > 0)
        {
            unscaled = MaxAllowed;
            exp10 = 0;
        }

        if (format == Format.BinarySI && !unscaled.IsZero && Compare(unscaled, exp10, 1) < 0)
        {
            format = Format.DecimalSI;
        }

        if (unscaled.IsZero)
        {
            return "0";
        }

        var sign = positive ? "" : "-";
        if (format == Format.BinarySI && (Compare(unscaled, exp10, 1024) < 0 || !IsIntegral(unscaled, exp10)))
        {
            format = Format.DecimalSI;
        }

        if (format == Format.BinarySI)
        {
            var whole = exp10 >= 0 ? unscaled * BigInteger.Pow(10, exp10) : unscaled / BigInteger.Pow(10, -exp10);
            var times = 0;
            while (times < 6 && (whole % 1024).IsZero)
            {
                whole /= 1024;
                times++;
            }

            return sign + whole.ToString(CultureInfo.InvariantCulture) + (times == 0 ? "" : "KMGTPE"[times - 1] + "i");
        }

        while (!unscaled.IsZero && (unscaled % 10).IsZero)
        {
            unscaled /= 10;
            exp10++;
        }

        while (exp10 % 3 != 0)
        {
            unscaled *= 10;
            exp10--;
        }

        var number = sign + unscaled.ToString(CultureInfo.InvariantCulture);
        if (format == Format.DecimalExponent)
        {
            return exp10 == 0 ? number : number + "e" + exp10.ToString(CultureInfo.InvariantCulture);
        }

        return number + exp10 switch
        {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            18 => "E",
            _ => "",
        };
    }

    /// <summary>
    /// The server keeps the sent text when its int64 fast path sees it is already canonical: a decimal value whose
    /// scale is a multiple of 3, with no leading zero and no trailing "000"; a binary value whose power is a whole
    /// suffix and whose number is not a multiple of 8.
    /// </summary>
    private static bool KeepsInputAsCanonical(string num, string denom, int exponent, Format format, bool roundToMilli)
    {
        int precision;
        var scale = 0;
        long mantissa = 1;
        if (format == Format.BinarySI)
        {
            if (exponent >= 0 && denom.Length == 0)
            {
                mantissa <<= exponent;
                precision = 15 - num.Length - (int)((float)exponent * 3 / 10) - 1;
            }
            else
            {
                precision = -1;
            }
        }
        else
        {
            scale = exponent;
            precision = 18 - (num.Length + denom.Length);
        }

        if (precision < 0)
        {
            return false;
        }

        scale -= denom.Length;
        if (scale < -9 || (roundToMilli && scale < -3))
        {
            return false;
        }

        var shifted = num + denom;
        if (!long.TryParse(shifted, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var product = (BigInteger)value * mantissa;
        if (product > long.MaxValue)
        {
            return false;
        }

        return format == Format.BinarySI
            ? exponent % 10 == 0 && (value & 0x07) != 0
            : scale % 3 == 0 && !shifted.EndsWith("000", StringComparison.Ordinal) && shifted[0] != '0';
    }

    private static bool Split(string s, out bool positive, out string num, out string denom, out string suffix)
    {
        positive = true;
        num = "";
        denom = "";
        suffix = "";
        var pos = 0;
        var end = s.Length;
        if (s[0] == '-')
        {
            positive = false;
            pos++;
        }
        else if (s[0] == '+')
        {
            pos++;
        }

        while (pos < end && s[pos] == '0')
        {
            pos++;
        }

        if (pos >= end)
        {
            num = "0";
            return true;
        }

        var start = pos;
        while (pos < end && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }

        num = s[start..pos];
        if (pos >= end)
        {
            return true;
        }

        if (num.Length == 0)
        {
            num = "0";
        }

        if (s[pos] == '.')
        {
            pos++;
            start = pos;
            while (pos < end && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }

            denom = s[start..pos];
            if (pos >= end)
            {
                return true;
            }
        }

        var suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".Contains(s[pos], StringComparison.Ordinal))
        {
            pos++;
        }

        if (pos < end && s[pos] is '-' or '+')
        {
            pos++;
        }

        while (pos < end && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }

        suffix = s[suffixStart..];
        return pos >= end;
    }

    private static bool Interpret(string suffix, out int numberBase, out int exponent, out Format format)
    {
        numberBase = 10;
        exponent = 0;
        format = Format.DecimalSI;
        switch (suffix)
        {
            case "":
                return true;
            case "n": exponent = -9; return true;
            case "u": exponent = -6; return true;
            case "m": exponent = -3; return true;
            case "k": exponent = 3; return true;
            case "M": exponent = 6; return true;
            case "G": exponent = 9; return true;
            case "T": exponent = 12; return true;
            case "P": exponent = 15; return true;
            case "E": exponent = 18; return true;
        }

        var binary = Array.IndexOf(["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"], suffix);
        if (binary >= 0)
        {
            numberBase = 2;
            exponent = 10 * (binary + 1);
            format = Format.BinarySI;
            return true;
        }

        if (suffix.Length > 1 && suffix[0] is 'e' or 'E'
            && int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            format = Format.DecimalExponent;
            return true;
        }

        return false;
    }

    private static int Compare(BigInteger unscaled, int exp10, BigInteger other) =>
        exp10 >= 0 ? (unscaled * BigInteger.Pow(10, exp10)).CompareTo(other) : unscaled.CompareTo(other * BigInteger.Pow(10, -exp10));

    private static bool IsIntegral(BigInteger unscaled, int exp10) =>
        exp10 >= 0 || (unscaled % BigInteger.Pow(10, -exp10)).IsZero;
}

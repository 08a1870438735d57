// Ported from FIRST's CVSS v4.0 reference calculator (github.com/FIRSTdotorg/cvss-v4-calculator), under its licence:
//
// Copyright (c) 2023 FIRST.ORG, Inc., Red Hat, and contributors
//
// Redistribution and use in source and binary forms, with or without
// modification, are permitted provided that the following conditions are met:
//
// 1. Redistributions of source code must retain the above copyright notice, this
//    list of conditions and the following disclaimer.
//
// 2. Redistributions in binary form must reproduce the above copyright notice,
//    this list of conditions and the following disclaimer in the documentation
//    and/or other materials provided with the distribution.
//
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
// AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
// IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
// DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
// FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
// DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
// SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
// CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
// OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
// OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.

using System.Collections.Frozen;

namespace TinyImage.Advisories;

/// <summary>
/// The CVSS v4.0 score of a vector, ported from FIRST's reference calculator (github.com/FIRSTdotorg/cvss-v4-calculator,
/// <c>cvss_score.js</c>, <c>max_composed.js</c>, <c>max_severity.js</c>, <c>cvss_lookup.js</c>; BSD-2-Clause, Copyright
/// FIRST, Red Hat, and contributors): the vector's macro vector (EQ1 to EQ6) gives a score from the specification's
/// table, lowered by the mean proportional distance to the macro vector's highest-severity vectors. Threat and
/// environmental metrics are honoured when present (E:X counts as E:A, CR/IR/AR:X as H, M*:X as the base value).
/// </summary>
internal static class CvssV4
{
    private static readonly string[] Mandatory = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];

    private static readonly FrozenDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["AV"] = ["N", "A", "L", "P"], ["AC"] = ["L", "H"], ["AT"] = ["N", "P"], ["PR"] = ["N", "L", "H"], ["UI"] = ["N", "P", "A"],
        ["VC"] = ["H", "L", "N"], ["VI"] = ["H", "L", "N"], ["VA"] = ["H", "L", "N"],
        ["SC"] = ["H", "L", "N"], ["SI"] = ["H", "L", "N"], ["SA"] = ["H", "L", "N"],
        ["E"] = ["X", "A", "P", "U"], ["CR"] = ["X", "H", "M", "L"], ["IR"] = ["X", "H", "M", "L"], ["AR"] = ["X", "H", "M", "L"],
        ["MAV"] = ["X", "N", "A", "L", "P"], ["MAC"] = ["X", "L", "H"], ["MAT"] = ["X", "N", "P"], ["MPR"] = ["X", "N", "L", "H"],
        ["MUI"] = ["X", "N", "P", "A"], ["MVC"] = ["X", "H", "L", "N"], ["MVI"] = ["X", "H", "L", "N"], ["MVA"] = ["X", "H", "L", "N"],
        ["MSC"] = ["X", "H", "L", "N"], ["MSI"] = ["X", "S", "H", "L", "N"], ["MSA"] = ["X", "S", "H", "L", "N"],
        ["S"] = ["X", "N", "P"], ["AU"] = ["X", "N", "Y"], ["R"] = ["X", "A", "U", "I"], ["V"] = ["X", "D", "C"],
        ["RE"] = ["X", "L", "M", "H"], ["U"] = ["X", "Clear", "Green", "Amber", "Red"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Severity levels of each metric's values (cvss_score.js).
    private static readonly FrozenDictionary<string, FrozenDictionary<string, double>> Levels = new Dictionary<string, FrozenDictionary<string, double>>
    {
        ["AV"] = L(("N", 0.0), ("A", 0.1), ("L", 0.2), ("P", 0.3)),
        ["PR"] = L(("N", 0.0), ("L", 0.1), ("H", 0.2)),
        ["UI"] = L(("N", 0.0), ("P", 0.1), ("A", 0.2)),
        ["AC"] = L(("L", 0.0), ("H", 0.1)),
        ["AT"] = L(("N", 0.0), ("P", 0.1)),
        ["VC"] = L(("H", 0.0), ("L", 0.1), ("N", 0.2)),
        ["VI"] = L(("H", 0.0), ("L", 0.1), ("N", 0.2)),
        ["VA"] = L(("H", 0.0), ("L", 0.1), ("N", 0.2)),
        ["SC"] = L(("H", 0.1), ("L", 0.2), ("N", 0.3)),
        ["SI"] = L(("S", 0.0), ("H", 0.1), ("L", 0.2), ("N", 0.3)),
        ["SA"] = L(("S", 0.0), ("H", 0.1), ("L", 0.2), ("N", 0.3)),
        ["CR"] = L(("H", 0.0), ("M", 0.1), ("L", 0.2)),
        ["IR"] = L(("H", 0.0), ("M", 0.1), ("L", 0.2)),
        ["AR"] = L(("H", 0.0), ("M", 0.1), ("L", 0.2)),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly string[] DistanceMetrics = ["AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR"];

    // max_composed.js: the highest-severity vectors of each EQ level.
    private static readonly string[][] Eq1Maxes = [["AV:N/PR:N/UI:N/"], ["AV:A/PR:N/UI:N/", "AV:N/PR:L/UI:N/", "AV:N/PR:N/UI:P/"], ["AV:P/PR:N/UI:N/", "AV:A/PR:L/UI:P/"]];
    private static readonly string[][] Eq2Maxes = [["AC:L/AT:N/"], ["AC:H/AT:N/", "AC:L/AT:P/"]];
    private static readonly string[][][] Eq3Eq6Maxes =
    [
        [["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/"], ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/"]],
        [["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/"],
         ["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/"]],
        [[], ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/"]],
    ];
    private static readonly string[][] Eq4Maxes = [["SC:H/SI:S/SA:S/"], ["SC:H/SI:H/SA:H/"], ["SC:L/SI:L/SA:L/"]];
    private static readonly string[][] Eq5Maxes = [["E:A/"], ["E:P/"], ["E:U/"]];

    // max_severity.js: the depth of each EQ level (+1).
    private static readonly int[] Eq1Depth = [1, 4, 5];
    private static readonly int[] Eq2Depth = [1, 2];
    private static readonly int[][] Eq3Eq6Depth = [[7, 6], [8, 8], [0, 10]];
    private static readonly int[] Eq4Depth = [6, 5, 4];

    /// <summary>The base (or threat/environmental, when given) score of a <c>CVSS:4.0/...</c> vector.</summary>
    public static double Score(string vector, string[] parts)
    {
        var selected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.AsSpan(1))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? part[..colon] : part;
            var given = colon > 0 ? part[(colon + 1)..] : string.Empty;
            if (!Allowed.TryGetValue(name, out var values) || !values.Contains(given) || !selected.TryAdd(name, given))
            {
                throw new FormatException($"'{vector}': '{part}' is not a known, single CVSS v4.0 metric value");
            }
        }

        foreach (var name in Mandatory)
        {
            if (!selected.ContainsKey(name))
            {
                throw new FormatException($"'{vector}': base metric {name} is missing");
            }
        }

        string M(string metric)
        {
            var chosen = selected.GetValueOrDefault(metric, "X");
            if (metric == "E" && chosen == "X")
            {
                return "A";
            }

            if (metric is "CR" or "IR" or "AR" && chosen == "X")
            {
                return "H";
            }

            return selected.TryGetValue("M" + metric, out var modified) && modified != "X" ? modified : chosen;
        }

        if (new[] { "VC", "VI", "VA", "SC", "SI", "SA" }.All(m => M(m) == "N"))
        {
            return 0.0;
        }

        var (eq1, eq2, eq3, eq4, eq5, eq6) = MacroVector(M);
        var macro = $"{eq1}{eq2}{eq3}{eq4}{eq5}{eq6}";
        var value = Lookup[macro];

        double Next(int a, int b, int c, int d, int e, int f) =>
            Lookup.TryGetValue($"{a}{b}{c}{d}{e}{f}", out var s) ? s : double.NaN;

        var lowerEq1 = Next(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
        var lowerEq2 = Next(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
        double lowerEq3Eq6;
        if (eq3 == 0 && eq6 == 0)
        {
            // Two ways down: take the one with the higher score (NaN compares false, as in the JavaScript).
            var left = Next(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
            var right = Next(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
            lowerEq3Eq6 = left > right ? left : right;
        }
        else if (eq3 == 1 && eq6 == 0)
        {
            lowerEq3Eq6 = Next(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
        }
        else if ((eq3 == 0 || eq3 == 1) && eq6 == 1)
        {
            lowerEq3Eq6 = Next(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
        }
        else
        {
            lowerEq3Eq6 = Next(eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1);
        }

        var lowerEq4 = Next(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
        var lowerEq5 = Next(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

        // The first highest-severity vector of the macro vector that the scored vector does not exceed; if none, the
        // last one tried (as the reference does).
        var distances = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var e1 in Eq1Maxes[eq1])
        {
            foreach (var e2 in Eq2Maxes[eq2])
            {
                foreach (var e36 in Eq3Eq6Maxes[eq3][eq6])
                {
                    foreach (var e4 in Eq4Maxes[eq4])
                    {
                        foreach (var e5 in Eq5Maxes[eq5])
                        {
                            var max = ParseParts(e1 + e2 + e36 + e4 + e5);
                            var anyNegative = false;
                            foreach (var metric in DistanceMetrics)
                            {
                                var d = Levels[metric][M(metric)] - Levels[metric][max[metric]];
                                distances[metric] = d;
                                anyNegative |= d < 0;
                            }

                            if (!anyNegative)
                            {
                                goto Found;
                            }
                        }
                    }
                }
            }
        }

    Found:
        double D(string metric) => distances[metric];
        var distanceEq1 = D("AV") + D("PR") + D("UI");
        var distanceEq2 = D("AC") + D("AT");
        var distanceEq3Eq6 = D("VC") + D("VI") + D("VA") + D("CR") + D("IR") + D("AR");
        var distanceEq4 = D("SC") + D("SI") + D("SA");
        const double Step = 0.1;

        var existing = 0;
        var normalized = 0.0;
        void Add(double lower, double distance, double depth)
        {
            var available = value - lower;
            if (!double.IsNaN(available))
            {
                existing++;
                normalized += available * (distance / depth);
            }
        }

        Add(lowerEq1, distanceEq1, Eq1Depth[eq1] * Step);
        Add(lowerEq2, distanceEq2, Eq2Depth[eq2] * Step);
        Add(lowerEq3Eq6, distanceEq3Eq6, Eq3Eq6Depth[eq3][eq6] * Step);
        Add(lowerEq4, distanceEq4, Eq4Depth[eq4] * Step);
        Add(lowerEq5, 0, 1 * Step);

        var mean = existing == 0 ? 0 : normalized / existing;
        value = Math.Clamp(value - mean, 0.0, 10.0);
        // Half up to one decimal, with the epsilon of FIRST's later cvss40.js (roundToDecimalPlaces), so that a
        // score such as 5.65 held as 5.6499999... rounds as the decimal it stands for.
        return Math.Floor(((value + 1e-6) * 10) + 0.5) / 10;
    }

    private static (int, int, int, int, int, int) MacroVector(Func<string, string> m)
    {
        var eq1 = m("AV") == "N" && m("PR") == "N" && m("UI") == "N" ? 0
            : (m("AV") == "N" || m("PR") == "N" || m("UI") == "N") && m("AV") != "P" ? 1
            : 2;
        var eq2 = m("AC") == "L" && m("AT") == "N" ? 0 : 1;
        var eq3 = m("VC") == "H" && m("VI") == "H" ? 0
            : m("VC") == "H" || m("VI") == "H" || m("VA") == "H" ? 1
            : 2;
        var eq4 = m("MSI") == "S" || m("MSA") == "S" ? 0
            : m("SC") == "H" || m("SI") == "H" || m("SA") == "H" ? 1
            : 2;
        var eq5 = m("E") switch { "A" => 0, "P" => 1, _ => 2 };
        var eq6 = (m("CR") == "H" && m("VC") == "H") || (m("IR") == "H" && m("VI") == "H") || (m("AR") == "H" && m("VA") == "H") ? 0 : 1;
        return (eq1, eq2, eq3, eq4, eq5, eq6);
    }

    private static Dictionary<string, string> ParseParts(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            result[part[..colon]] = part[(colon + 1)..];
        }

        return result;
    }

    private static FrozenDictionary<string, double> L(params (string Value, double Level)[] levels) =>
        levels.ToFrozenDictionary(l => l.Value, l => l.Level, StringComparer.Ordinal);

    // cvss_lookup.js: the score of each macro vector.
    private static readonly FrozenDictionary<string, double> Lookup = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["000000"] = 10,
        ["000001"] = 9.9,
        ["000010"] = 9.8,
        ["000011"] = 9.5,
        ["000020"] = 9.5,
        ["000021"] = 9.2,
        ["000100"] = 10,
        ["000101"] = 9.6,
        ["000110"] = 9.3,
        ["000111"] = 8.7,
        ["000120"] = 9.1,
        ["000121"] = 8.1,
        ["000200"] = 9.3,
        ["000201"] = 9,
        ["000210"] = 8.9,
        ["000211"] = 8,
        ["000220"] = 8.1,
        ["000221"] = 6.8,
        ["001000"] = 9.8,
        ["001001"] = 9.5,
        ["001010"] = 9.5,
        ["001011"] = 9.2,
        ["001020"] = 9,
        ["001021"] = 8.4,
        ["001100"] = 9.3,
        ["001101"] = 9.2,
        ["001110"] = 8.9,
        ["001111"] = 8.1,
        ["001120"] = 8.1,
        ["001121"] = 6.5,
        ["001200"] = 8.8,
        ["001201"] = 8,
        ["001210"] = 7.8,
        ["001211"] = 7,
        ["001220"] = 6.9,
        ["001221"] = 4.8,
        ["002001"] = 9.2,
        ["002011"] = 8.2,
        ["002021"] = 7.2,
        ["002101"] = 7.9,
        ["002111"] = 6.9,
        ["002121"] = 5,
        ["002201"] = 6.9,
        ["002211"] = 5.5,
        ["002221"] = 2.7,
        ["010000"] = 9.9,
        ["010001"] = 9.7,
        ["010010"] = 9.5,
        ["010011"] = 9.2,
        ["010020"] = 9.2,
        ["010021"] = 8.5,
        ["010100"] = 9.5,
        ["010101"] = 9.1,
        ["010110"] = 9,
        ["010111"] = 8.3,
        ["010120"] = 8.4,
        ["010121"] = 7.1,
        ["010200"] = 9.2,
        ["010201"] = 8.1,
        ["010210"] = 8.2,
        ["010211"] = 7.1,
        ["010220"] = 7.2,
        ["010221"] = 5.3,
        ["011000"] = 9.5,
        ["011001"] = 9.3,
        ["011010"] = 9.2,
        ["011011"] = 8.5,
        ["011020"] = 8.5,
        ["011021"] = 7.3,
        ["011100"] = 9.2,
        ["011101"] = 8.2,
        ["011110"] = 8,
        ["011111"] = 7.2,
        ["011120"] = 7,
        ["011121"] = 5.9,
        ["011200"] = 8.4,
        ["011201"] = 7,
        ["011210"] = 7.1,
        ["011211"] = 5.2,
        ["011220"] = 5,
        ["011221"] = 3,
        ["012001"] = 8.6,
        ["012011"] = 7.5,
        ["012021"] = 5.2,
        ["012101"] = 7.1,
        ["012111"] = 5.2,
        ["012121"] = 2.9,
        ["012201"] = 6.3,
        ["012211"] = 2.9,
        ["012221"] = 1.7,
        ["100000"] = 9.8,
        ["100001"] = 9.5,
        ["100010"] = 9.4,
        ["100011"] = 8.7,
        ["100020"] = 9.1,
        ["100021"] = 8.1,
        ["100100"] = 9.4,
        ["100101"] = 8.9,
        ["100110"] = 8.6,
        ["100111"] = 7.4,
        ["100120"] = 7.7,
        ["100121"] = 6.4,
        ["100200"] = 8.7,
        ["100201"] = 7.5,
        ["100210"] = 7.4,
        ["100211"] = 6.3,
        ["100220"] = 6.3,
        ["100221"] = 4.9,
        ["101000"] = 9.4,
        ["101001"] = 8.9,
        ["101010"] = 8.8,
        ["101011"] = 7.7,
        ["101020"] = 7.6,
        ["101021"] = 6.7,
        ["101100"] = 8.6,
        ["101101"] = 7.6,
        ["101110"] = 7.4,
        ["101111"] = 5.8,
        ["101120"] = 5.9,
        ["101121"] = 5,
        ["101200"] = 7.2,
        ["101201"] = 5.7,
        ["101210"] = 5.7,
        ["101211"] = 5.2,
        ["101220"] = 5.2,
        ["101221"] = 2.5,
        ["102001"] = 8.3,
        ["102011"] = 7,
        ["102021"] = 5.4,
        ["102101"] = 6.5,
        ["102111"] = 5.8,
        ["102121"] = 2.6,
        ["102201"] = 5.3,
        ["102211"] = 2.1,
        ["102221"] = 1.3,
        ["110000"] = 9.5,
        ["110001"] = 9,
        ["110010"] = 8.8,
        ["110011"] = 7.6,
        ["110020"] = 7.6,
        ["110021"] = 7,
        ["110100"] = 9,
        ["110101"] = 7.7,
        ["110110"] = 7.5,
        ["110111"] = 6.2,
        ["110120"] = 6.1,
        ["110121"] = 5.3,
        ["110200"] = 7.7,
        ["110201"] = 6.6,
        ["110210"] = 6.8,
        ["110211"] = 5.9,
        ["110220"] = 5.2,
        ["110221"] = 3,
        ["111000"] = 8.9,
        ["111001"] = 7.8,
        ["111010"] = 7.6,
        ["111011"] = 6.7,
        ["111020"] = 6.2,
        ["111021"] = 5.8,
        ["111100"] = 7.4,
        ["111101"] = 5.9,
        ["111110"] = 5.7,
        ["111111"] = 5.7,
        ["111120"] = 4.7,
        ["111121"] = 2.3,
        ["111200"] = 6.1,
        ["111201"] = 5.2,
        ["111210"] = 5.7,
        ["111211"] = 2.9,
        ["111220"] = 2.4,
        ["111221"] = 1.6,
        ["112001"] = 7.1,
        ["112011"] = 5.9,
        ["112021"] = 3,
        ["112101"] = 5.8,
        ["112111"] = 2.6,
        ["112121"] = 1.5,
        ["112201"] = 2.3,
        ["112211"] = 1.3,
        ["112221"] = 0.6,
        ["200000"] = 9.3,
        ["200001"] = 8.7,
        ["200010"] = 8.6,
        ["200011"] = 7.2,
        ["200020"] = 7.5,
        ["200021"] = 5.8,
        ["200100"] = 8.6,
        ["200101"] = 7.4,
        ["200110"] = 7.4,
        ["200111"] = 6.1,
        ["200120"] = 5.6,
        ["200121"] = 3.4,
        ["200200"] = 7,
        ["200201"] = 5.4,
        ["200210"] = 5.2,
        ["200211"] = 4,
        ["200220"] = 4,
        ["200221"] = 2.2,
        ["201000"] = 8.5,
        ["201001"] = 7.5,
        ["201010"] = 7.4,
        ["201011"] = 5.5,
        ["201020"] = 6.2,
        ["201021"] = 5.1,
        ["201100"] = 7.2,
        ["201101"] = 5.7,
        ["201110"] = 5.5,
        ["201111"] = 4.1,
        ["201120"] = 4.6,
        ["201121"] = 1.9,
        ["201200"] = 5.3,
        ["201201"] = 3.6,
        ["201210"] = 3.4,
        ["201211"] = 1.9,
        ["201220"] = 1.9,
        ["201221"] = 0.8,
        ["202001"] = 6.4,
        ["202011"] = 5.1,
        ["202021"] = 2,
        ["202101"] = 4.7,
        ["202111"] = 2.1,
        ["202121"] = 1.1,
        ["202201"] = 2.4,
        ["202211"] = 0.9,
        ["202221"] = 0.4,
        ["210000"] = 8.8,
        ["210001"] = 7.5,
        ["210010"] = 7.3,
        ["210011"] = 5.3,
        ["210020"] = 6,
        ["210021"] = 5,
        ["210100"] = 7.3,
        ["210101"] = 5.5,
        ["210110"] = 5.9,
        ["210111"] = 4,
        ["210120"] = 4.1,
        ["210121"] = 2,
        ["210200"] = 5.4,
        ["210201"] = 4.3,
        ["210210"] = 4.5,
        ["210211"] = 2.2,
        ["210220"] = 2,
        ["210221"] = 1.1,
        ["211000"] = 7.5,
        ["211001"] = 5.5,
        ["211010"] = 5.8,
        ["211011"] = 4.5,
        ["211020"] = 4,
        ["211021"] = 2.1,
        ["211100"] = 6.1,
        ["211101"] = 5.1,
        ["211110"] = 4.8,
        ["211111"] = 1.8,
        ["211120"] = 2,
        ["211121"] = 0.9,
        ["211200"] = 4.6,
        ["211201"] = 1.8,
        ["211210"] = 1.7,
        ["211211"] = 0.7,
        ["211220"] = 0.8,
        ["211221"] = 0.2,
        ["212001"] = 5.3,
        ["212011"] = 2.4,
        ["212021"] = 1.4,
        ["212101"] = 2.4,
        ["212111"] = 1.2,
        ["212121"] = 0.5,
        ["212201"] = 1,
        ["212211"] = 0.3,
        ["212221"] = 0.1,
    }.ToFrozenDictionary(StringComparer.Ordinal);
}

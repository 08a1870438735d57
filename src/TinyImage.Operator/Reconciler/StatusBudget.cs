using System.Text;
using System.Text.Json;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// The size budget of a TinyImage's status, whatever the input: a spec at its longest, a registry's or a build log's
/// text, an SBOM's names, every advisory, a full history. Applied to each pass's status before it is compared and
/// written, so the serialized status stays within <see cref="MaxBytes"/> (far below etcd's 1.5 MiB per object, which
/// also holds the spec) and every condition message within the schema's 32768.
/// <list type="number">
/// <item>Foreign text (messages, the log tail, the SBOM's root package) keeps only printable characters, newlines and
/// tabs: control characters (terminal escapes) become '?', a broken surrogate U+FFFD.</item>
/// <item>Each field is capped in UTF-8 bytes, cut on a character boundary with <see cref="Marker"/>: a message at
/// <see cref="MaxMessageBytes"/>, the log tail at <see cref="MaxLogTailBytes"/> (its end kept), any other text at
/// <see cref="MaxValueBytes"/>; lists at the schema's maximum (history 20, toolchain 4).</item>
/// <item>Should the whole still exceed <see cref="MaxBytes"/> (JSON escapes non-ASCII text, up to 12 bytes for a 4-byte
/// character), the log tail is cut to <see cref="PressedLogTailBytes"/>, then every message to
/// <see cref="PressedMessageBytes"/>, and last the oldest history entries go (the newest is kept).</item>
/// </list>
/// Idempotent: a status within the budget is left as it is, so a pass that sees its own write changes nothing.
/// The spec's own copy in <c>status.serving</c> (args and env) is bounded by the spec validator
/// (<see cref="ServingStatus.MaxCopiedBytes"/>).
/// </summary>
internal static class StatusBudget
{
    /// <summary>The most the serialized status may take, in UTF-8 bytes.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>A condition message, <c>build.failureMessage</c>, <c>verification.message</c>, <c>source.message</c>.</summary>
    public const int MaxMessageBytes = 2048;

    /// <summary><c>build.logTail</c> (the build pod's log is read with <c>limitBytes</c> 16 KiB and 20 lines).</summary>
    public const int MaxLogTailBytes = 8 * 1024;

    /// <summary>Any other text of foreign origin (the SBOM's root package) or a list entry's field.</summary>
    public const int MaxValueBytes = 512;

    /// <summary>The log tail when the whole is over budget.</summary>
    public const int PressedLogTailBytes = 1024;

    /// <summary>Messages when the whole is still over budget.</summary>
    public const int PressedMessageBytes = 512;

    /// <summary>The schema's maximum of status.build.history (spec.build.historyLimit is at most 20).</summary>
    public const int MaxHistory = 20;

    /// <summary>The schema's maximum of status.build.toolchain.</summary>
    public const int MaxToolchain = 4;

    /// <summary>Ends (or, for a log tail, starts) text that was cut.</summary>
    public const string Marker = "...[truncated]";

    /// <summary>
    /// Brings <paramref name="status"/> within the budget, in place, and returns it serialized as measured (UTF-8 JSON,
    /// as the API server receives it): the caller compares and sends these bytes instead of serializing again (issue 17).
    /// </summary>
    public static byte[] Enforce(TinyImageStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        CapFields(status, MaxMessageBytes, MaxLogTailBytes);
        var json = Serialize(status);
        if (json.Length <= MaxBytes)
        {
            return json;
        }

        CapFields(status, MaxMessageBytes, PressedLogTailBytes);
        json = Serialize(status);
        if (json.Length > MaxBytes)
        {
            CapFields(status, PressedMessageBytes, PressedLogTailBytes);
            json = Serialize(status);
        }

        while (json.Length > MaxBytes && status.Build?.History is { Count: > 1 } history)
        {
            history.RemoveAt(history.Count - 1);
            json = Serialize(status);
        }

        return json;
    }

    /// <summary>The serialized status's size in UTF-8 bytes, as the API server receives it.</summary>
    public static int Size(TinyImageStatus status) => Serialize(status).Length;

    private static byte[] Serialize(TinyImageStatus status) => JsonSerializer.SerializeToUtf8Bytes(status, ApiJson.TypeInfo<TinyImageStatus>());

    /// <summary>A message as status keeps it: cleaned and at most <see cref="MaxMessageBytes"/>.</summary>
    public static string Message(string text) => Truncate(Clean(text), MaxMessageBytes);

    /// <summary>At most <paramref name="maxBytes"/> UTF-8 bytes: the start of <paramref name="text"/>, cut on a character boundary, and <see cref="Marker"/>.</summary>
    public static string Truncate(string text, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var keep = Prefix(text, maxBytes - Marker.Length);
        return text[..keep] + Marker;
    }

    /// <summary>At most <paramref name="maxBytes"/> UTF-8 bytes: <see cref="Marker"/> and the end of <paramref name="text"/>, cut on a character boundary.</summary>
    public static string TruncateStart(string text, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var budget = maxBytes - Marker.Length;
        var start = text.Length;
        var used = 0;
        while (start > 0)
        {
            var width = char.IsLowSurrogate(text[start - 1]) && start > 1 && char.IsHighSurrogate(text[start - 2]) ? 2 : 1;
            var bytes = Encoding.UTF8.GetByteCount(text.AsSpan(start - width, width));
            if (used + bytes > budget)
            {
                break;
            }

            used += bytes;
            start -= width;
        }

        return Marker + text[start..];
    }

    /// <summary>Printable text: control characters but newline and tab become '?', a lone surrogate U+FFFD.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!NeedsCleaning(text))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                result.Append('\uFFFD');
            }
            else
            {
                result.Append(IsControl(c) ? '?' : c);
            }
        }

        return result.ToString();
    }

    private static bool NeedsCleaning(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsControl(c))
            {
                return true;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsControl(char c) => char.IsControl(c) && c is not '\n' and not '\t';

    /// <summary>How many chars of <paramref name="text"/> fit in <paramref name="maxBytes"/> UTF-8 bytes, never splitting a surrogate pair.</summary>
    private static int Prefix(string text, int maxBytes)
    {
        var used = 0;
        var end = 0;
        while (end < text.Length)
        {
            var width = char.IsHighSurrogate(text[end]) && end + 1 < text.Length && char.IsLowSurrogate(text[end + 1]) ? 2 : 1;
            var bytes = Encoding.UTF8.GetByteCount(text.AsSpan(end, width));
            if (used + bytes > maxBytes)
            {
                break;
            }

            used += bytes;
            end += width;
        }

        return end;
    }

    private static void CapFields(TinyImageStatus status, int messageBytes, int logTailBytes)
    {
        foreach (var condition in status.Conditions ?? [])
        {
            condition.Message = Cap(condition.Message, messageBytes);
        }

        if (status.Build is { } build)
        {
            build.FailureMessage = Cap(build.FailureMessage, messageBytes);
            build.LogTail = build.LogTail is null ? null : TruncateStart(Clean(build.LogTail), logTailBytes);
            if (build.History is { Count: > MaxHistory } history)
            {
                build.History = [.. history.Take(MaxHistory)];
            }

            foreach (var record in build.History ?? [])
            {
                (record.Commit, record.Binary, record.Toolchain) = (Cap(record.Commit, MaxValueBytes), Cap(record.Binary, MaxValueBytes), Cap(record.Toolchain, MaxValueBytes));
            }

            if (build.Toolchain is { Count: > MaxToolchain } toolchain)
            {
                build.Toolchain = [.. toolchain.Take(MaxToolchain)];
            }
        }

        if (status.Verification is { } verification)
        {
            verification.Message = Cap(verification.Message, messageBytes);
        }

        if (status.Source is { } source)
        {
            source.Message = Cap(source.Message, messageBytes);
        }

        if (status.Sbom is { } sbom)
        {
            sbom.RootPackage = Cap(sbom.RootPackage, MaxValueBytes);
        }
    }

    private static string? Cap(string? text, int maxBytes) => text is null ? null : Truncate(Clean(text), maxBytes);
}

using System.Globalization;
using System.Text;

namespace GitOpsBridge.Core.Images;

/// <summary>
/// Renders untrusted input (webhook payload values, manifest values) for error messages and reasons.
/// </summary>
/// <remarks>
/// Reasons are stored and shown to users, so echoed input is shortened (a 10 kB "tag" must not
/// become a 10 kB comment) and control characters are escaped (a newline in a payload value must
/// not forge an extra line in a log or a pull-request body).
/// </remarks>
internal static class DiagnosticText
{
    /// <summary>How much of a whole reference an error message echoes.</summary>
    public const int ReferenceLimit = 64;

    /// <summary>How much of one component (path, tag, digest) an error message echoes.</summary>
    public const int ComponentLimit = 40;

    /// <summary>Shortens <paramref name="text"/> to at most <paramref name="maxChars"/> input characters, escapes it and wraps it in single quotes.</summary>
    public static string Quote(string text, int maxChars) => "'" + Shorten(text, maxChars) + "'";

    /// <summary>Shortens <paramref name="text"/> to at most <paramref name="maxChars"/> input characters and escapes it.</summary>
    public static string Shorten(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return Escape(text);
        }

        // Keep both ends: the registry is at the start of a reference, the tag at its end.
        int head = (maxChars - 1) / 2;
        int tail = maxChars - 1 - head;
        if (head > 0 && char.IsHighSurrogate(text[head - 1]))
        {
            head--;
        }

        if (tail > 0 && char.IsLowSurrogate(text[^tail]))
        {
            tail--;
        }

        return Escape(text.AsSpan(0, head)) + "…" + Escape(text.AsSpan(text.Length - tail));
    }

    /// <summary>
    /// Renders a tag for a reason: bare when it is a valid tag (the common case reads naturally,
    /// "1.4.2 → 1.5.0"), quoted and escaped otherwise.
    /// </summary>
    public static string Tag(string? tag) => tag switch
    {
        null => "(no tag)",
        _ when ImageReference.IsValidTag(tag) => tag,
        _ => Quote(tag, ComponentLimit),
    };

    /// <summary>Names a character for a message: "a space", "a line break", "an upper-case letter 'A'".</summary>
    public static string Describe(char c) => c switch
    {
        ' ' => "a space",
        '\n' or '\r' or '\u0085' or '\u2028' or '\u2029' => "a line break",
        '\t' => "a tab",
        '"' or '\'' or '`' => $"a quote ({c})",
        _ when char.IsControl(c) || NeedsEscape(c) => $"a control character (U+{(int)c:X4})",
        _ when char.IsAsciiLetterUpper(c) => $"an upper-case letter '{c}'",
        _ when !char.IsAscii(c) => $"a non-ASCII character (U+{(int)c:X4})",
        _ => $"'{c}'",
    };

    private static string Escape(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (char.IsControl(c) || NeedsEscape(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    // Format characters include the bidirectional overrides (U+202E) that can make a shown
    // value read differently from what it is; U+2028/U+2029 break lines like '\n' does.
    private static bool NeedsEscape(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}

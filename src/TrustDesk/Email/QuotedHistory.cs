using System.Text.RegularExpressions;

namespace TrustDesk.Email;

/// <summary>
/// Finds where an email's quoted history starts in plain text, as Gmail, Outlook, Apple Mail and Thunderbird write it:
/// "On … wrote:", "-----Original Message-----", Outlook's "From: … Sent: …" block after a rule, or a tail of "&gt;" lines.
/// The new text is shown; the history is kept beside it.
/// </summary>
public static partial class QuotedHistory
{
    [GeneratedRegex(@"^\s*(On|Am|Le|El|Il|Op|Den|W dniu)\s.{0,300}(wrote|schrieb|a écrit|escribió|ha scritto|schreef|skrev|napisał)[^\n]{0,120}:\s*$",
        RegexOptions.IgnoreCase | RegexOptions.Multiline, matchTimeoutMilliseconds: 200)]
    private static partial Regex WroteLine();

    [GeneratedRegex(@"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Forwarded message|Mensaje original)\s*-{2,}\s*$",
        RegexOptions.IgnoreCase | RegexOptions.Multiline, matchTimeoutMilliseconds: 200)]
    private static partial Regex OriginalMessageLine();

    [GeneratedRegex(@"^_{10,}\s*\r?\n\s*(From|Von|De)\s*:", RegexOptions.IgnoreCase | RegexOptions.Multiline, matchTimeoutMilliseconds: 200)]
    private static partial Regex OutlookRule();

    [GeneratedRegex(@"^(From|Von|De)\s*:.*\r?\n(Sent|Gesendet|Envoyé|Date)\s*:", RegexOptions.IgnoreCase | RegexOptions.Multiline, matchTimeoutMilliseconds: 200)]
    private static partial Regex OutlookHeaderBlock();

    /// <summary>Splits text into the new part and the quoted history (null when there is none).</summary>
    public static (string Fresh, string? Quoted) Split(string text)
    {
        text = NormaliseLines(text);
        var cut = -1;
        foreach (var regex in new[] { WroteLine(), OriginalMessageLine(), OutlookRule(), OutlookHeaderBlock() })
        {
            try
            {
                var match = regex.Match(text);
                if (match.Success && match.Index > 0 && (cut < 0 || match.Index < cut))
                {
                    cut = match.Index;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological text: keep it whole rather than guess.
            }
        }

        if (cut < 0)
        {
            cut = TrailingQuoteStart(text);
        }

        if (cut <= 0)
        {
            return (text, null);
        }

        var fresh = text[..cut].TrimEnd();
        var quoted = text[cut..].Trim();
        return fresh.Length == 0 ? (text, null) : (fresh, quoted.Length == 0 ? null : quoted);
    }

    /// <summary>LF line ends, no trailing spaces, no runs of more than one empty line.</summary>
    /// <remarks>
    /// One pass over the text, lines as spans: every email's text goes through here, and splitting it into line strings
    /// (after two whole-text replaces) made several copies of a 10–20 KB body per message.
    /// </remarks>
    public static string NormaliseLines(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length + 1);
        var blank = 0;
        var rest = text.AsSpan();
        while (true)
        {
            // CR LF, a lone CR and a lone LF each end a line.
            var end = rest.IndexOfAny('\r', '\n');
            var line = (end < 0 ? rest : rest[..end]).TrimEnd();
            blank = line.Length == 0 ? blank + 1 : 0;
            if (blank < 2)
            {
                builder.Append(line).Append('\n');
            }

            if (end < 0)
            {
                break;
            }

            rest = rest[(rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n' ? end + 2 : end + 1)..];
        }

        var start = 0;
        var length = builder.Length;
        while (start < length && builder[start] == '\n')
        {
            start++;
        }

        while (length > start && builder[length - 1] == '\n')
        {
            length--;
        }

        return builder.ToString(start, length - start);
    }

    // The start of a block of "> " lines that runs to the end (ignoring a signature-free tail of blank lines).
    private static int TrailingQuoteStart(string text)
    {
        var lines = text.Split('\n');
        var end = lines.Length;
        while (end > 0 && lines[end - 1].Trim().Length == 0)
        {
            end--;
        }

        var start = end;
        while (start > 0 && (lines[start - 1].StartsWith('>') || (lines[start - 1].Trim().Length == 0 && start < end)))
        {
            start--;
        }

        if (start == end || start == 0)
        {
            return -1;
        }

        var offset = 0;
        for (var i = 0; i < start; i++)
        {
            offset += lines[i].Length + 1;
        }

        return offset;
    }
}

using System.Buffers;
using System.Text.RegularExpressions;

namespace TrustDesk.Triage.Classifier;

/// <summary>
/// The user's own words in a message: what rules and the model read. Cut away are quoted history ("On … wrote:",
/// "-----Original Message-----", lines starting with "&gt;"), the signature ("-- ", "Sent from my iPhone", a closing
/// such as "Thanks," or "Best regards," followed by a few short lines), legal disclaimers, and identifiers: order,
/// tracking and reference numbers and any run of letters and digits with a digit in it (a "1488" inside
/// <c>TD4821148877</c> is an order number, not a hate symbol; <see cref="ForMatching(string)"/>). Amounts (<c>$1,200</c>) and
/// short numbers ("a 12 year old", "psa 10") stay. A one-line text comes back as it is, at the cost of one scan.
/// </summary>
public static partial class OwnWords
{
    private static readonly SearchValues<char> Interesting = SearchValues.Create("\n\r>");

    private static readonly string[] Closings =
    [
        "thanks", "thank you", "thanks again", "many thanks", "regards", "best regards", "kind regards", "warm regards",
        "best", "cheers", "sincerely", "yours sincerely", "all the best", "thx", "ty",
        "gracias", "saludos", "un saludo", "atentamente", "obrigado", "obrigada", "abraços", "atenciosamente",
        "merci", "cordialement", "bien à vous", "bien cordialement", "salutations",
    ];

    private static readonly string[] Disclaimers =
    [
        "confidentiality notice", "this email and any attachments", "this e-mail and any attachments", "this message may contain",
        "this message and any attachments", "disclaimer:", "the information contained in this", "if you are not the intended recipient",
        "ce message et toutes les pièces jointes", "este mensaje y sus anexos", "esta mensagem e seus anexos",
    ];

    public static string Of(string text)
    {
        if (string.IsNullOrEmpty(text) || text.AsSpan().IndexOfAny(Interesting) < 0)
        {
            return text;
        }

        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var kept = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var lower = line.ToLowerInvariant();
            if (QuoteHeader().IsMatch(line) || lower.StartsWith("-----original message", StringComparison.Ordinal)
                || lower.StartsWith("________________", StringComparison.Ordinal) || (lower.StartsWith("from:", StringComparison.Ordinal) && i > 0))
            {
                break; // everything below is history
            }

            if (line.StartsWith('>'))
            {
                continue;
            }

            if (lines[i] is "-- " or "--" || lower.StartsWith("sent from my", StringComparison.Ordinal) || lower.StartsWith("enviado desde", StringComparison.Ordinal)
                || lower.StartsWith("enviado do meu", StringComparison.Ordinal) || lower.StartsWith("envoyé de mon", StringComparison.Ordinal))
            {
                break; // the signature
            }

            if (Disclaimers.Any(d => lower.StartsWith(d, StringComparison.Ordinal)))
            {
                break;
            }

            if (kept.Count > 0 && IsClosing(lower) && ShortBlockFollows(lines, i + 1))
            {
                break; // "Thanks," then name, company, phone, address (and whatever comes below a signature)
            }

            kept.Add(line);
        }

        return string.Join('\n', kept).Trim();
    }

    /// <summary>
    /// The own words without the sender's own address: "my account email is jane@… and I can't sign in" names the
    /// writer, not a contact for another app (the scam lexicon looks for addresses).
    /// </summary>
    public static string Of(string text, string? senderAddress) => WithoutAddress(Of(text), senderAddress);

    /// <summary><see cref="ForMatching(string)"/> without the sender's own address.</summary>
    public static string ForMatching(string text, string? senderAddress)
    {
        var own = WithoutAddress(Of(text), senderAddress);
        return own.AsSpan().IndexOfAnyInRange('0', '9') < 0 ? own : Identifier().Replace(own, static m => KeepIdentifier(m.Value) ? m.Value : " ");
    }

    private static string WithoutAddress(string own, string? address) =>
        address is { Length: > 3 } && address.Contains('@', StringComparison.Ordinal) && own.Contains(address, StringComparison.OrdinalIgnoreCase)
            ? own.Replace(address, " ", StringComparison.OrdinalIgnoreCase)
            : own;

    /// <summary>
    /// The own words with identifiers blanked: what the lexicons and the model read. (A rule's own <c>regex</c> reads
    /// <see cref="Of(string)"/>, identifiers included, so a rule can still look for an order number on purpose.)
    /// </summary>
    public static string ForMatching(string text) => ForMatching(text, null);

    /// <summary>The lines after a closing, up to a blank line, look like a signature: at most seven, each short.</summary>
    private static bool ShortBlockFollows(string[] lines, int from)
    {
        var count = 0;
        for (var i = from; i < lines.Length && lines[i].Trim().Length > 0; i++)
        {
            if (++count > 7 || lines[i].Length > 80)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsClosing(string lower)
    {
        var trimmed = lower.TrimEnd(',', '.', '!', ' ');
        return trimmed.Length <= 24 && Closings.Contains(trimmed);
    }

    // Identifiers go: long digit runs (TD4821148877, 1Z999…, #4821139), anything hyphenated with digits (A-1488-2231).
    // What stays: short numbers ("a 12 year old", "psa 10", "2024", a bare "1488"), leetspeak (k1ll, mys3lf, z3lle: at
    // most two digits among letters) and phone numbers (contact details the scam lexicon looks for).
    private static bool KeepIdentifier(string token)
    {
        var digits = 0;
        var letters = 0;
        var hyphen = false;
        foreach (var c in token)
        {
            digits += char.IsAsciiDigit(c) ? 1 : 0;
            letters += char.IsLetter(c) ? 1 : 0;
            hyphen |= c == '-';
        }

        if (letters == 0 && hyphen && digits is >= 7 and <= 11 && token.TrimStart('#').Split('-').All(g => g.Length is >= 2 and <= 4))
        {
            return true;
        }

        return !hyphen && (letters == 0 ? digits <= 4 : digits <= 2);
    }

    [GeneratedRegex(@"^(on\s.+\swrote:|el\s.+\sescribi[oó]:|em\s.+\sescreveu:|le\s.+\sa\s[ée]crit\s?:)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QuoteHeader();

    // A token with a digit in it: order numbers (ORD-12345678, #482113, A-1488-2231), tracking (1Z999AA10123456784), references.
    [GeneratedRegex(@"(?<![\w@.$€£/-])#?(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]*(?![\w@]|[.,]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}

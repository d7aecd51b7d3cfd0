using System.Text.RegularExpressions;

namespace TrustDesk.Triage;

/// <summary>A piece of rule text and what it is, for colouring it in the editor.</summary>
public readonly record struct RuleToken(string Text, string? Kind);

/// <summary>
/// Splits rule-pack text into coloured pieces: comments, the rule's keys (<c>name:</c>, <c>when:</c>...), strings,
/// numbers and durations, the language's words (<c>and</c>, <c>not</c>...) and the actions (<c>severity</c>,
/// <c>queue</c>...). Only colour: what the text means is the parser's to say, so a broken rule still colours.
/// </summary>
public static partial class RuleHighlighter
{
    [GeneratedRegex("""
        (?<comment>\#[^\n]*)
        |(?<key>(?<=^[ \t]*(?:-[ \t]+)?)(?:name|description|state|on|when|then)(?=:))
        |(?<string>"(?:[^"\\\n]|\\.)*"?)
        |(?<number>\b\d+(?:\.\d+)?(?:ms|s|m|h|d|w)?\b)
        |(?<keyword>\b(?:and|or|not|in|true|false)\b)
        |(?<action>\b(?:severity|category|queue|tag|flag|note|propose|assign)\b)
        |(?<state>\b(?:draft|shadow|active)\b)
        """, RegexOptions.Multiline | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Pieces();

    private static readonly string[] Kinds = ["comment", "key", "string", "number", "keyword", "action", "state"];

    public static IReadOnlyList<RuleToken> Tokenise(string? text)
    {
        var tokens = new List<RuleToken>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var at = 0;
        foreach (Match match in Pieces().Matches(text))
        {
            if (match.Index > at)
            {
                tokens.Add(new RuleToken(text[at..match.Index], null));
            }

            tokens.Add(new RuleToken(match.Value, Kinds.First(k => match.Groups[k].Success)));
            at = match.Index + match.Length;
        }

        if (at < text.Length)
        {
            tokens.Add(new RuleToken(text[at..], null));
        }

        return tokens;
    }
}

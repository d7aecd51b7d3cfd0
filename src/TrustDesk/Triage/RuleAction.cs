using TrustDesk.Taxonomy;
using System.Text;
using System.Text.RegularExpressions;
using TrustDesk.Triage.Language;

namespace TrustDesk.Triage;

/// <summary>One action of a rule's <c>then</c>, as checked at compile time. <see cref="Text"/> is how the hit record shows it.</summary>
internal abstract record RuleAction(string Text);

internal sealed record SeverityAction(Severity Severity, string Text) : RuleAction(Text);

internal sealed record CategoryAction(string Code, string Text) : RuleAction(Text);

internal sealed record QueueAction(string Queue, string Text) : RuleAction(Text);

internal sealed record TagAction(string Tag, string Text) : RuleAction(Text);

internal sealed record FlagAction(TriageFlags Flag, string Text) : RuleAction(Text);

internal sealed record ProposeAction(string Action, int TargetRole, string? Policy, bool Automatic, string Text) : RuleAction(Text);

internal sealed record NoteAction(string Note, string Text) : RuleAction(Text);

/// <summary>
/// Reads one action: <c>severity S1</c>, <c>category &lt;code&gt;</c>, <c>queue &lt;name&gt;</c>, <c>tag &lt;tag&gt;</c>,
/// <c>flag live_now|graphic|minor</c>, <c>propose &lt;action&gt; [target=&lt;role&gt;] [policy=&lt;code&gt;] [automatic]</c>,
/// <c>note "&lt;text&gt;"</c>.
/// </summary>
internal static partial class ActionParser
{
    public static readonly string[] Verbs = ["severity", "category", "queue", "tag", "flag", "propose", "note"];

    public static readonly string[] EnforcementActions =
        ["warn", "restrict", "remove_listing", "end_stream", "hold_payout", "suspend", "revoke_selling", "ban", "refund", "cancel_order"];

    private static readonly string[] Flags = ["live_now", "graphic", "minor"];

    /// <summary>The action, or an error at an offset of <paramref name="text"/>.</summary>
    public static (RuleAction? Action, LanguageError? Error) Parse(string text, TriageVocabulary vocabulary, Func<string, int?> role)
    {
        List<(string Word, int Start, bool Quoted)> words;
        try
        {
            words = Words(text);
        }
        catch (SyntaxErrorException e)
        {
            return (null, e.Error);
        }

        if (words.Count == 0)
        {
            return (null, new LanguageError(0, "expected an action"));
        }

        var (verb, verbAt, _) = words[0];
        (RuleAction?, LanguageError?) Fail(int at, string message) => (null, new LanguageError(at, message));
        (RuleAction?, LanguageError?) One(string what, Func<string, bool> valid, Func<string, RuleAction> make)
        {
            if (words.Count < 2)
            {
                return Fail(text.Length, $"expected {what} after \"{verb}\"");
            }

            if (words.Count > 2)
            {
                return Fail(words[2].Start, $"unexpected \"{words[2].Word}\": \"{verb}\" takes one value");
            }

            return valid(words[1].Word) && !words[1].Quoted
                ? (make(words[1].Word), null)
                : Fail(words[1].Start, $"expected {what} after \"{verb}\", found \"{words[1].Word}\"");
        }

        var canonical = string.Join(' ', words.Select(w => w.Quoted ? Quote(w.Word) : w.Word));
        switch (verb)
        {
            case "severity":
                return One("a severity S1 to S4", w => w is "S1" or "S2" or "S3" or "S4", w => new SeverityAction(Enum.Parse<Severity>(w), canonical));
            case "category":
                if (words.Count >= 2 && vocabulary.Categories is { } categories && !categories.Contains(words[1].Word))
                {
                    return Fail(words[1].Start, $"unknown category \"{words[1].Word}\"; expected a taxonomy code such as safety.self_harm");
                }

                return One("a category code such as safety.self_harm", w => CodePattern().IsMatch(w), w => new CategoryAction(w, canonical));
            case "queue":
                if (words.Count >= 2 && vocabulary.Queues is { } queues && !queues.Contains(words[1].Word))
                {
                    return Fail(words[1].Start, $"unknown queue \"{words[1].Word}\"; expected one of {string.Join(", ", queues)}");
                }

                return One("a queue name such as crisis", w => NamePattern().IsMatch(w), w => new QueueAction(w, canonical));
            case "tag":
                return One("a tag such as crisis", w => NamePattern().IsMatch(w), w => new TagAction(w, canonical));
            case "flag":
                return One("live_now, graphic or minor", w => Flags.Contains(w), w => new FlagAction(
                    w switch { "live_now" => TriageFlags.LiveNow, "graphic" => TriageFlags.Graphic, _ => TriageFlags.Minor }, canonical));
            case "note":
                if (words.Count != 2 || !words[1].Quoted)
                {
                    return Fail(words.Count > 1 ? words[1].Start : text.Length, "expected a note in quotes, such as note \"check the seller's other streams\"");
                }

                return (new NoteAction(words[1].Word, canonical), null);
            case "propose":
                return Propose(words, text, canonical, role);
            default:
                return Fail(verbAt, $"expected an action ({string.Join(", ", Verbs)}), found \"{verb}\"");
        }
    }

    private static (RuleAction?, LanguageError?) Propose(List<(string Word, int Start, bool Quoted)> words, string text, string canonical, Func<string, int?> role)
    {
        if (words.Count < 2)
        {
            return (null, new LanguageError(text.Length, $"expected an enforcement action after \"propose\" ({string.Join(", ", EnforcementActions)})"));
        }

        var action = words[1].Word;
        if (!EnforcementActions.Contains(action))
        {
            return (null, new LanguageError(words[1].Start, $"expected an enforcement action ({string.Join(", ", EnforcementActions)}), found \"{action}\""));
        }

        string? policy = null;
        var automatic = false;
        var target = role("subject")!.Value;
        foreach (var (word, start, _) in words.Skip(2))
        {
            if (word == "automatic")
            {
                if (action != "warn")
                {
                    return (null, new LanguageError(start, $"only warn may be automatic; {action} needs a person to decide"));
                }

                automatic = true;
            }
            else if (word.StartsWith("policy=", StringComparison.Ordinal) && CodePattern().IsMatch(word[7..]))
            {
                policy = word[7..];
            }
            else if (word.StartsWith("target=", StringComparison.Ordinal) && role(word[7..]) is { } index)
            {
                target = index;
            }
            else
            {
                return (null, new LanguageError(start, $"expected policy=<code>, target=<subject> or automatic, found \"{word}\""));
            }
        }

        return (new ProposeAction(action, target, policy, automatic, canonical), null);
    }

    private static List<(string Word, int Start, bool Quoted)> Words(string text)
    {
        var words = new List<(string, int, bool)>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == ' ')
            {
                i++;
                continue;
            }

            var start = i;
            if (text[i] is '"' or '\'')
            {
                var quote = text[i++];
                var value = new StringBuilder();
                while (i < text.Length && text[i] != quote)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i++]);
                }

                if (i >= text.Length)
                {
                    throw new SyntaxErrorException(new LanguageError(start, $"expected a closing {quote}"));
                }

                i++;
                words.Add((value.ToString(), start, true));
                continue;
            }

            while (i < text.Length && text[i] != ' ')
            {
                i++;
            }

            words.Add((text[start..i], start, false));
        }

        return words;
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex("^[a-z0-9_]+(\\.[a-z0-9_]+)*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]*$")]
    private static partial Regex NamePattern();
}

using System.Globalization;
using System.Text;

namespace TrustDesk.Triage;

/// <summary>The rules of a pack file as written, and what was wrong with the file.</summary>
public sealed record RulePackParseResult(IReadOnlyList<RuleDefinition> Rules, IReadOnlyList<RuleDiagnostic> Diagnostics);

/// <summary>
/// Reads rule text: a small, strict subset of YAML. A rule is a list item (<c>- name: ...</c>) whose keys are
/// <c>name</c>, <c>on</c>, <c>when</c>, <c>then</c> and optionally <c>state</c>, <c>description</c>, <c>version</c>.
/// Values are plain or quoted scalars, inline lists (<c>[a, b]</c>) or block lists (<c>- a</c> on the lines below);
/// <c>when</c> and <c>description</c> may go on over more-indented lines. Anything else is an error with its line and
/// column, not a guess.
/// </summary>
public static class RulePackParser
{
    private static readonly string[] Keys = ["name", "on", "when", "then", "state", "description", "version"];

    public static RulePackParseResult Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var diagnostics = new List<RuleDiagnostic>();
        var rules = new List<RuleDefinition>();
        var i = 0;
        while (i < lines.Length)
        {
            var line = lines[i];
            if (IsBlankOrComment(line))
            {
                i++;
                continue;
            }

            var indent = Indent(line);
            if (line.AsSpan(0, indent).Contains('\t'))
            {
                diagnostics.Add(new(source, null, i + 1, 1, "tabs are not allowed for indentation; use spaces"));
                i++;
                continue;
            }

            if (indent != 0 || !line.StartsWith("- ", StringComparison.Ordinal))
            {
                diagnostics.Add(new(source, null, i + 1, indent + 1, $"expected \"- name:\" to start a rule, found \"{Excerpt(line.Trim())}\""));
                i++;
                while (i < lines.Length && (IsBlankOrComment(lines[i]) || Indent(lines[i]) > 0))
                {
                    i++;
                }

                continue;
            }

            var end = i + 1;
            while (end < lines.Length && (IsBlankOrComment(lines[end]) || Indent(lines[end]) > 0))
            {
                end++;
            }

            var rule = ParseRule(lines, i, end, source, diagnostics);
            if (rule is not null)
            {
                rules.Add(rule);
            }

            i = end;
        }

        return new RulePackParseResult(rules, diagnostics);
    }

    private sealed record Entry(string Key, SourcePosition KeyAt, string Value, SourcePosition ValueAt, List<(string Text, SourcePosition At)> More);

    private static RuleDefinition? ParseRule(string[] lines, int first, int end, string? source, List<RuleDiagnostic> diagnostics)
    {
        var keyIndent = 2 + Indent(lines[first][2..]);
        var entries = new List<Entry>();
        var errors = new List<(SourcePosition At, string Message)>();
        for (var i = first; i < end; i++)
        {
            var line = lines[i];
            if (IsBlankOrComment(line))
            {
                continue;
            }

            var indent = i == first ? keyIndent : Indent(line);
            if (line.AsSpan(0, indent).Contains('\t'))
            {
                errors.Add((new(i + 1, 1), "tabs are not allowed for indentation; use spaces"));
                continue;
            }

            if (indent > keyIndent && i != first)
            {
                if (entries.Count == 0)
                {
                    errors.Add((new(i + 1, indent + 1), "expected a key such as \"name:\""));
                    continue;
                }

                entries[^1].More.Add((line[indent..].TrimEnd(), new(i + 1, indent + 1)));
                continue;
            }

            if (indent < keyIndent)
            {
                errors.Add((new(i + 1, indent + 1), $"expected a key indented like \"{lines[first][keyIndent..].Split(':')[0]}:\" (column {keyIndent + 1})"));
                continue;
            }

            var colon = line.IndexOf(':', indent);
            var key = colon < 0 ? line[indent..].Trim() : line[indent..colon].Trim();
            if (colon < 0 || key.Length == 0 || key.Contains(' ', StringComparison.Ordinal))
            {
                errors.Add((new(i + 1, indent + 1), $"expected a key such as \"when:\", found \"{Excerpt(line[indent..].Trim())}\""));
                continue;
            }

            if (!Keys.Contains(key))
            {
                errors.Add((new(i + 1, indent + 1), $"unknown key \"{key}\"; expected one of {string.Join(", ", Keys)}"));
                continue;
            }

            if (entries.Any(e => e.Key == key))
            {
                errors.Add((new(i + 1, indent + 1), $"\"{key}\" is given twice"));
                continue;
            }

            var valueStart = colon + 1;
            while (valueStart < line.Length && line[valueStart] == ' ')
            {
                valueStart++;
            }

            entries.Add(new Entry(key, new(i + 1, indent + 1), line[valueStart..].TrimEnd(), new(i + 1, valueStart + 1), []));
        }

        var nameEntry = entries.FirstOrDefault(e => e.Key == "name");
        string? name = null;
        if (nameEntry is not null)
        {
            name = Scalar(nameEntry, errors);
            if (name is { Length: 0 })
            {
                errors.Add((nameEntry.ValueAt, "expected a rule name"));
                name = null;
            }
        }

        var ruleAt = new SourcePosition(first + 1, 1);
        void Missing(string key)
        {
            if (entries.All(e => e.Key != key))
            {
                errors.Add((ruleAt, $"missing \"{key}:\""));
            }
        }

        Missing("name");
        Missing("on");
        Missing("when");
        Missing("then");

        var state = RuleState.Active;
        var version = 1;
        string? description = null;
        List<(string, SourcePosition)> triggers = [];
        SourceText? when = null;
        List<SourceText> then = [];
        foreach (var entry in entries)
        {
            switch (entry.Key)
            {
                case "state":
                    var stateText = Scalar(entry, errors);
                    switch (stateText)
                    {
                        case "draft": state = RuleState.Draft; break;
                        case "shadow": state = RuleState.Shadow; break;
                        case "active": state = RuleState.Active; break;
                        case null: break;
                        default: errors.Add((entry.ValueAt, $"expected draft, shadow or active, found \"{Excerpt(stateText)}\"")); break;
                    }

                    break;
                case "version":
                    var versionText = Scalar(entry, errors);
                    if (versionText is not null && (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out version) || version < 1))
                    {
                        errors.Add((entry.ValueAt, $"expected a version number such as 3, found \"{Excerpt(versionText)}\""));
                        version = 1;
                    }

                    break;
                case "description":
                    description = Folded(entry, errors);
                    break;
                case "on":
                    triggers = ListItems(entry, errors).Select(t => (t.Text, t.Start)).ToList();
                    if (triggers.Count == 0)
                    {
                        errors.Add((entry.ValueAt, "expected a trigger such as report.received"));
                    }

                    break;
                case "when":
                    when = Expression(entry);
                    if (when.Text.Trim().Length == 0)
                    {
                        errors.Add((entry.ValueAt, "expected a condition after \"when:\""));
                    }

                    break;
                case "then":
                    then = ListItems(entry, errors);
                    if (then.Count == 0)
                    {
                        errors.Add((entry.ValueAt, "expected at least one action, such as [severity S2]"));
                    }

                    break;
            }
        }

        foreach (var (at, message) in errors.OrderBy(e => e.At.Line).ThenBy(e => e.At.Column))
        {
            diagnostics.Add(new RuleDiagnostic(source, name, at.Line, at.Column, message));
        }

        if (errors.Count > 0 || name is null || when is null)
        {
            return null;
        }

        return new RuleDefinition
        {
            Name = name,
            Description = description,
            State = state,
            Version = version,
            Triggers = triggers,
            When = when,
            Then = then,
            Source = source,
            At = ruleAt,
        };
    }

    /// <summary>A one-line scalar: plain, "double-quoted" or 'single-quoted'.</summary>
    private static string? Scalar(Entry entry, List<(SourcePosition, string)> errors)
    {
        if (entry.More.Count > 0)
        {
            errors.Add((entry.More[0].At, $"\"{entry.Key}\" takes one line"));
            return null;
        }

        return Unquote(StripComment(entry.Value), entry.ValueAt, errors);
    }

    private static string? Folded(Entry entry, List<(SourcePosition, string)> errors)
    {
        var first = entry.Value is "|" or ">" ? "" : entry.Value;
        var text = string.Join(" ", new[] { first }.Concat(entry.More.Select(m => m.Text)).Where(t => t.Length > 0));
        return first.StartsWith('"') || first.StartsWith('\'') ? Unquote(text, entry.ValueAt, errors) : text;
    }

    private static string? Unquote(string value, SourcePosition at, List<(SourcePosition, string)> errors)
    {
        if (value.Length == 0 || (value[0] != '"' && value[0] != '\''))
        {
            return value;
        }

        var quote = value[0];
        var text = new StringBuilder();
        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == quote)
            {
                if (quote == '\'' && i + 1 < value.Length && value[i + 1] == '\'')
                {
                    text.Append('\'');
                    i++;
                    continue;
                }

                if (i != value.Length - 1)
                {
                    errors.Add((at with { Column = at.Column + i + 1 }, $"unexpected \"{Excerpt(value[(i + 1)..])}\" after the closing quote"));
                    return null;
                }

                return text.ToString();
            }

            if (c == '\\' && quote == '"' && i + 1 < value.Length)
            {
                i++;
                text.Append(value[i] switch { 'n' => '\n', 't' => '\t', _ => value[i] });
                continue;
            }

            text.Append(c);
        }

        errors.Add((at, $"expected a closing {quote}"));
        return null;
    }

    /// <summary>The condition, over as many lines as it takes; the lexer knows where each line starts in the file.</summary>
    private static SourceText Expression(Entry entry)
    {
        var firstIsMarker = entry.Value is "|" or ">" or "|-" or ">-";
        var parts = new List<(string Text, SourcePosition At)>();
        if (!firstIsMarker && entry.Value.Length > 0)
        {
            parts.Add((entry.Value, entry.ValueAt));
        }

        parts.AddRange(entry.More);
        if (parts.Count == 0)
        {
            return new SourceText("", entry.ValueAt);
        }

        return new SourceText(string.Join("\n", parts.Select(p => p.Text)), parts[0].At, parts.Skip(1).Select(p => p.At).ToList());
    }

    /// <summary>Items of an inline list (<c>[a, "b, c"]</c>, possibly over several lines), a block list (<c>- a</c>) or a single scalar.</summary>
    private static List<SourceText> ListItems(Entry entry, List<(SourcePosition, string)> errors)
    {
        var value = StripComment(entry.Value);
        if (value.Length == 0)
        {
            var items = new List<SourceText>();
            foreach (var (text, at) in entry.More)
            {
                var item = StripComment(text);
                if (!item.StartsWith('-'))
                {
                    errors.Add((at, $"expected a list item \"- ...\", found \"{Excerpt(item)}\""));
                    continue;
                }

                var content = item[1..].TrimStart();
                items.Add(new SourceText(content, at with { Column = at.Column + item.Length - content.Length }));
            }

            return items;
        }

        if (!value.StartsWith('['))
        {
            if (entry.More.Count > 0)
            {
                errors.Add((entry.More[0].At, $"a single \"{entry.Key}\" value takes one line; use a list"));
            }

            return [new SourceText(value, entry.ValueAt)];
        }

        // Walk the characters of the inline list across its lines, splitting at commas outside quotes.
        var chars = new List<(char C, SourcePosition At)>();
        void AddLine(string text, SourcePosition at)
        {
            for (var i = 0; i < text.Length; i++)
            {
                chars.Add((text[i], at with { Column = at.Column + i }));
            }

            chars.Add((' ', at with { Column = at.Column + text.Length }));
        }

        AddLine(value, entry.ValueAt);
        foreach (var (text, at) in entry.More)
        {
            AddLine(StripComment(text), at);
        }

        var result = new List<SourceText>();
        var current = new StringBuilder();
        SourcePosition? currentAt = null;
        char? quote = null;
        var closed = false;
        for (var i = 1; i < chars.Count; i++)
        {
            var (c, at) = chars[i];
            if (closed)
            {
                if (c != ' ')
                {
                    errors.Add((at, $"unexpected \"{c}\" after the closing ]"));
                    return result;
                }

                continue;
            }

            if (quote is null && (c == ',' || c == ']'))
            {
                var item = current.ToString().TrimEnd();
                if (item.Length > 0 && currentAt is not null)
                {
                    result.Add(new SourceText(item, currentAt.Value));
                }
                else if (c == ',' || result.Count > 0)
                {
                    errors.Add((at, "expected a list item before \"" + c + "\""));
                }

                current.Clear();
                currentAt = null;
                closed = c == ']';
                continue;
            }

            if (c == '\\' && quote == '"' && i + 1 < chars.Count)
            {
                current.Append(c).Append(chars[i + 1].C);
                i++;
                continue;
            }

            if (c is '"' or '\'')
            {
                quote = quote is null ? c : quote == c ? null : quote;
            }

            if (current.Length == 0 && c == ' ')
            {
                continue;
            }

            currentAt ??= at;
            current.Append(c);
        }

        if (!closed)
        {
            errors.Add((chars[^1].At, "expected a closing ]"));
        }

        return result;
    }

    /// <summary>Drops a trailing <c># comment</c> that is outside quotes.</summary>
    private static string StripComment(string value)
    {
        char? quote = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (quote is not null)
            {
                if (c == '\\' && quote == '"')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || value[i - 1] == ' '))
            {
                return value[..i].TrimEnd();
            }
        }

        return value.TrimEnd();
    }

    private static bool IsBlankOrComment(string line)
    {
        var trimmed = line.AsSpan().TrimStart();
        return trimmed.IsEmpty || trimmed[0] == '#';
    }

    private static int Indent(string line)
    {
        var i = 0;
        while (i < line.Length && (line[i] == ' ' || line[i] == '\t'))
        {
            i++;
        }

        return i;
    }

    internal static string Excerpt(string text) => text.Length <= 40 ? text : text[..37] + "...";
}

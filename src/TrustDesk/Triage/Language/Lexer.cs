using System.Globalization;
using System.Text;

namespace TrustDesk.Triage.Language;

/// <summary>
/// Turns a condition into tokens. Durations are a number glued to a unit (<c>10m</c>, <c>30d</c>, <c>1.5h</c>):
/// s, m, h, d, w. <c>#</c> starts a comment to the end of the line. Positions are offsets into the condition text;
/// <see cref="SourceText.PositionOf"/> turns them into the line and column of the file.
/// </summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == '#'))
            {
                if (text[i] == '#')
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }
                }
                else
                {
                    i++;
                }
            }

            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, text.Length, text.Length, "", 0));
                return tokens;
            }

            var start = i;
            var c = text[i];
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                var word = text[start..i];
                var kind = word switch
                {
                    "and" => TokenKind.And,
                    "or" => TokenKind.Or,
                    "not" => TokenKind.Not,
                    "in" => TokenKind.In,
                    "true" => TokenKind.True,
                    "false" => TokenKind.False,
                    _ => TokenKind.Identifier,
                };
                tokens.Add(new Token(kind, start, i, word, 0));
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                tokens.Add(ReadNumber(text, ref i));
                continue;
            }

            if (c is '"' or '\'')
            {
                tokens.Add(ReadString(text, ref i));
                continue;
            }

            i++;
            var next = i < text.Length ? text[i] : '\0';
            TokenKind symbol;
            switch (c)
            {
                case '=' when next == '=': symbol = TokenKind.Equal; i++; break;
                case '!' when next == '=': symbol = TokenKind.NotEqual; i++; break;
                case '<' when next == '=': symbol = TokenKind.LessOrEqual; i++; break;
                case '>' when next == '=': symbol = TokenKind.GreaterOrEqual; i++; break;
                case '<': symbol = TokenKind.Less; break;
                case '>': symbol = TokenKind.Greater; break;
                case '+': symbol = TokenKind.Plus; break;
                case '-': symbol = TokenKind.Minus; break;
                case '*': symbol = TokenKind.Star; break;
                case '/': symbol = TokenKind.Slash; break;
                case '~': symbol = TokenKind.Tilde; break;
                case '.': symbol = TokenKind.Dot; break;
                case ',': symbol = TokenKind.Comma; break;
                case '(': symbol = TokenKind.OpenParen; break;
                case ')': symbol = TokenKind.CloseParen; break;
                case '[': symbol = TokenKind.OpenBracket; break;
                case ']': symbol = TokenKind.CloseBracket; break;
                case '=': throw Error(start, "expected \"==\" to compare, found \"=\"");
                case '&' when next == '&': throw Error(start, "expected \"and\", found \"&&\"");
                case '|' when next == '|': throw Error(start, "expected \"or\", found \"||\"");
                case '!': throw Error(start, "expected \"not\", found \"!\"");
                default: throw Error(start, $"unexpected character \"{c}\"");
            }

            tokens.Add(new Token(symbol, start, i, text[start..i], 0));
        }
    }

    private static Token ReadNumber(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '_'))
        {
            i++;
        }

        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        var value = double.Parse(text.AsSpan(start, i - start).ToString().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
        {
            var unitStart = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
            {
                i++;
            }

            var unit = text[unitStart..i];
            double? seconds = unit switch
            {
                "s" => 1,
                "m" => 60,
                "h" => 3_600,
                "d" => 86_400,
                "w" => 604_800,
                _ => null,
            };
            if (seconds is null)
            {
                throw Error(unitStart, $"expected a duration unit (s, m, h, d or w) such as 10m, found \"{text[start..i]}\"");
            }

            return new Token(TokenKind.Duration, start, i, text[start..i], value * seconds.Value);
        }

        return new Token(TokenKind.Number, start, i, text[start..i], value);
    }

    private static Token ReadString(string text, ref int i)
    {
        var start = i;
        var quote = text[i++];
        var value = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            var c = text[i++];
            if (c == '\n')
            {
                break;
            }

            if (c == '\\')
            {
                if (i >= text.Length)
                {
                    break;
                }

                var escaped = text[i++];
                value.Append(escaped switch
                {
                    'n' => "\n",
                    't' => "\t",
                    '\\' => "\\",
                    '"' => "\"",
                    '\'' => "'",
                    // Regex escapes (\d, \s, \b...) pass through untouched, so regex("\d+") reads as written.
                    _ => "\\" + escaped,
                });
                continue;
            }

            value.Append(c);
        }

        if (i >= text.Length || text[i] != quote)
        {
            throw Error(start, $"expected a closing {quote} for the string");
        }

        i++;
        return new Token(TokenKind.String, start, i, value.ToString(), 0);
    }

    private static SyntaxErrorException Error(int offset, string message) => new(new LanguageError(offset, message));
}

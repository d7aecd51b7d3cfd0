namespace TrustDesk.Triage.Language;

/// <summary>
/// A Pratt parser for conditions. From loosest to tightest: <c>or</c>, <c>and</c>, <c>not</c>, comparisons
/// (<c>== != &lt; &lt;= &gt; &gt;= ~ in</c>, which do not chain), <c>+ -</c>, <c>* /</c>, unary minus, then member
/// access and calls.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly string _text;
    private int _position;

    private Parser(string text)
    {
        _text = text;
        _tokens = Lexer.Tokenize(text);
    }

    /// <summary>Parses a whole condition; throws <see cref="SyntaxErrorException"/> at the first error.</summary>
    public static Syntax Parse(string text)
    {
        var parser = new Parser(text);
        var expression = parser.ParseExpression(0);
        if (parser.Peek.Kind != TokenKind.End)
        {
            throw parser.Expected("an operator such as \"and\" or the end of the condition", parser.Peek);
        }

        return expression;
    }

    private Token Peek => _tokens[_position];

    private Token Next() => _tokens[_position++];

    private Syntax ParseExpression(int minimumPower)
    {
        var left = ParsePrefix();
        while (true)
        {
            var token = Peek;
            var negated = false;
            var kind = token.Kind;
            if (kind == TokenKind.Not && _tokens[_position + 1].Kind == TokenKind.In)
            {
                kind = TokenKind.In;
                negated = true;
            }

            if (kind is TokenKind.Dot or TokenKind.OpenParen)
            {
                left = ParsePostfix(left);
                continue;
            }

            var power = InfixPower(kind);
            if (power is null || power.Value.Left < minimumPower)
            {
                return left;
            }

            _position += negated ? 2 : 1;
            var right = ParseExpression(power.Value.Right);
            left = new BinarySyntax(kind, left, right, token.Start, negated);
            if (IsComparison(kind) && (IsComparison(Peek.Kind) || (Peek.Kind == TokenKind.Not && _tokens[_position + 1].Kind == TokenKind.In)))
            {
                throw new SyntaxErrorException(new LanguageError(Peek.Start, $"comparisons do not chain: add parentheses or \"and\" before {Token.Describe(Peek.Kind)}"));
            }
        }
    }

    private Syntax ParsePostfix(Syntax left)
    {
        var token = Next();
        if (token.Kind == TokenKind.Dot)
        {
            var name = Next();
            if (name.Kind != TokenKind.Identifier && name.Kind is not (TokenKind.In or TokenKind.Not or TokenKind.And or TokenKind.Or))
            {
                throw Expected("a field name after \".\"", name);
            }

            return new MemberSyntax(left, name.Text, name.Start, name.End);
        }

        if (left is not NameSyntax function)
        {
            throw new SyntaxErrorException(new LanguageError(token.Start, "only functions can be called: expected a name such as count before \"(\""));
        }

        var arguments = new List<Syntax>();
        if (Peek.Kind != TokenKind.CloseParen)
        {
            while (true)
            {
                arguments.Add(ParseExpression(0));
                if (Peek.Kind == TokenKind.Comma)
                {
                    Next();
                    continue;
                }

                break;
            }
        }

        var close = Next();
        if (close.Kind != TokenKind.CloseParen)
        {
            throw Expected($"\",\" or \")\" in the call of {function.Name}", close);
        }

        return new CallSyntax(function.Name, arguments, function.Start, close.End);
    }

    private Syntax ParsePrefix()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Number or TokenKind.Duration or TokenKind.String or TokenKind.True or TokenKind.False:
                return new LiteralSyntax(token);
            case TokenKind.Identifier:
                return new NameSyntax(token.Text, token.Start, token.End);
            case TokenKind.Not:
                return new UnarySyntax(TokenKind.Not, ParseExpression(5), token.Start);
            case TokenKind.Minus:
                return new UnarySyntax(TokenKind.Minus, ParseExpression(13), token.Start);
            case TokenKind.OpenParen:
                var inner = ParseExpression(0);
                var close = Next();
                if (close.Kind != TokenKind.CloseParen)
                {
                    throw Expected("\")\"", close);
                }

                return inner;
            case TokenKind.OpenBracket:
                var items = new List<Syntax>();
                if (Peek.Kind != TokenKind.CloseBracket)
                {
                    while (true)
                    {
                        items.Add(ParseExpression(0));
                        if (Peek.Kind == TokenKind.Comma)
                        {
                            Next();
                            continue;
                        }

                        break;
                    }
                }

                var end = Next();
                if (end.Kind != TokenKind.CloseBracket)
                {
                    throw Expected("\",\" or \"]\" in the list", end);
                }

                return new ListSyntax(items, token.Start, end.End);
            default:
                throw Expected("a value (a name, number, duration such as 10m, string or list)", token);
        }
    }

    private static (int Left, int Right)? InfixPower(TokenKind kind) => kind switch
    {
        TokenKind.Or => (1, 2),
        TokenKind.And => (3, 4),
        TokenKind.Equal or TokenKind.NotEqual or TokenKind.Less or TokenKind.LessOrEqual or TokenKind.Greater
            or TokenKind.GreaterOrEqual or TokenKind.Tilde or TokenKind.In => (7, 8),
        TokenKind.Plus or TokenKind.Minus => (9, 10),
        TokenKind.Star or TokenKind.Slash => (11, 12),
        _ => null,
    };

    private static bool IsComparison(TokenKind kind) => InfixPower(kind) is (7, _);

    private SyntaxErrorException Expected(string what, Token found) =>
        new(new LanguageError(found.Start, $"expected {what}, found {Found(found)}"));

    private string Found(Token token) => token.Kind == TokenKind.End
        ? "the end of the condition"
        : $"\"{RulePackParser.Excerpt(_text[token.Start..token.End])}\"";
}

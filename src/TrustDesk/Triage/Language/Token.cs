namespace TrustDesk.Triage.Language;

internal enum TokenKind
{
    End,
    Identifier,
    Number,
    Duration,
    String,
    And,
    Or,
    Not,
    In,
    True,
    False,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Plus,
    Minus,
    Star,
    Slash,
    Tilde,
    Dot,
    Comma,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
}

/// <summary>
/// One token with its offsets in the rule's condition text. <see cref="Number"/> holds a number's value, or a
/// duration's length in seconds; <see cref="Text"/> holds an identifier's name or a string's unescaped value.
/// </summary>
internal readonly record struct Token(TokenKind Kind, int Start, int End, string Text, double Number)
{
    public static string Describe(TokenKind kind) => kind switch
    {
        TokenKind.End => "the end of the condition",
        TokenKind.Identifier => "a name",
        TokenKind.Number => "a number",
        TokenKind.Duration => "a duration",
        TokenKind.String => "a string",
        TokenKind.And => "\"and\"",
        TokenKind.Or => "\"or\"",
        TokenKind.Not => "\"not\"",
        TokenKind.In => "\"in\"",
        TokenKind.True => "\"true\"",
        TokenKind.False => "\"false\"",
        TokenKind.Equal => "\"==\"",
        TokenKind.NotEqual => "\"!=\"",
        TokenKind.Less => "\"<\"",
        TokenKind.LessOrEqual => "\"<=\"",
        TokenKind.Greater => "\">\"",
        TokenKind.GreaterOrEqual => "\">=\"",
        TokenKind.Plus => "\"+\"",
        TokenKind.Minus => "\"-\"",
        TokenKind.Star => "\"*\"",
        TokenKind.Slash => "\"/\"",
        TokenKind.Tilde => "\"~\"",
        TokenKind.Dot => "\".\"",
        TokenKind.Comma => "\",\"",
        TokenKind.OpenParen => "\"(\"",
        TokenKind.CloseParen => "\")\"",
        TokenKind.OpenBracket => "\"[\"",
        TokenKind.CloseBracket => "\"]\"",
        _ => kind.ToString(),
    };
}

/// <summary>A syntax or type error at an offset of the condition text (turned into a file position by the caller).</summary>
internal sealed record LanguageError(int Offset, string Message);

/// <summary>Thrown inside the lexer and parser to stop at the first syntax error.</summary>
internal sealed class SyntaxErrorException(LanguageError error) : Exception(error.Message)
{
    public LanguageError Error { get; } = error;
}

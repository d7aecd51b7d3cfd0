namespace TrustDesk.Triage.Language;

/// <summary>The parsed condition. Start and End are offsets into the condition text.</summary>
internal abstract record Syntax(int Start, int End);

/// <summary>A number, duration, string, true or false.</summary>
internal sealed record LiteralSyntax(Token Token) : Syntax(Token.Start, Token.End);

/// <summary>A bare name: a role (<c>subject</c>, <c>seller</c>), a field (<c>text</c>) or a severity (<c>S1</c>).</summary>
internal sealed record NameSyntax(string Name, int Start, int End) : Syntax(Start, End);

/// <summary><c>target.member</c>.</summary>
internal sealed record MemberSyntax(Syntax Target, string Member, int MemberStart, int End) : Syntax(Target.Start, End);

/// <summary><c>function(arguments)</c>.</summary>
internal sealed record CallSyntax(string Function, IReadOnlyList<Syntax> Arguments, int Start, int End) : Syntax(Start, End);

/// <summary><c>not x</c> or <c>-x</c>.</summary>
internal sealed record UnarySyntax(TokenKind Operator, Syntax Operand, int Start) : Syntax(Start, Operand.End);

/// <summary>
/// <c>left op right</c>; <see cref="Negated"/> marks <c>not in</c>.
/// </summary>
internal sealed record BinarySyntax(TokenKind Operator, Syntax Left, Syntax Right, int OperatorStart, bool Negated = false) : Syntax(Left.Start, Right.End);

/// <summary><c>[a, b, c]</c>.</summary>
internal sealed record ListSyntax(IReadOnlyList<Syntax> Items, int Start, int End) : Syntax(Start, End);

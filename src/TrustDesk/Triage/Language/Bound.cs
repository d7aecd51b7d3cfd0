namespace TrustDesk.Triage.Language;

internal enum TypeKind
{
    Bool,
    Number,
    Duration,
    String,
    Severity,
    Subject,
    List,
    Matcher,

    /// <summary>An event field whose type the surrounding operator decides.</summary>
    Dynamic,
}

/// <summary>A type of the rules language. Durations are numbers of seconds at run time, but a different type to the checker.</summary>
internal sealed record RuleType(TypeKind Kind, RuleType? Element = null)
{
    public static readonly RuleType Bool = new(TypeKind.Bool);
    public static readonly RuleType Number = new(TypeKind.Number);
    public static readonly RuleType Duration = new(TypeKind.Duration);
    public static readonly RuleType String = new(TypeKind.String);
    public static readonly RuleType Severity = new(TypeKind.Severity);
    public static readonly RuleType Subject = new(TypeKind.Subject);
    public static readonly RuleType Matcher = new(TypeKind.Matcher);
    public static readonly RuleType Dynamic = new(TypeKind.Dynamic);

    public static RuleType ListOf(RuleType? element) => new(TypeKind.List, element);

    public override string ToString() => Kind switch
    {
        TypeKind.Bool => "true/false",
        TypeKind.Number => "a number",
        TypeKind.Duration => "a duration",
        TypeKind.String => "a string",
        TypeKind.Severity => "a severity",
        TypeKind.Subject => "a subject",
        TypeKind.List => Element is null ? "a list" : $"a list of {Element.ToString().Replace("a ", "", StringComparison.Ordinal)}s",
        TypeKind.Matcher => "a lexicon or regex",
        _ => "an event field",
    };
}

internal enum SubjectField
{
    Kind,
    Id,
    Live,
    Banned,
    IsAgent,
}

internal enum InputField
{
    Text,
    Category,
    Reason,
    Trigger,
    EventType,
}

/// <summary>What the classifier suggested for the item's text (<c>suggested.category</c>, ...), and its language.</summary>
internal enum SuggestionField
{
    Category,
    Confidence,
    Crisis,
    Language,
}

internal enum BinaryOperator
{
    And,
    Or,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
}

/// <summary>The checked condition: every node has a type. The compiler turns it into an expression tree.</summary>
internal abstract record Bound(RuleType Type, Syntax Syntax);

internal sealed record BoundLiteral(RuleType Type, object Value, Syntax Syntax) : Bound(Type, Syntax);

internal sealed record BoundRole(int Index, string Role, Syntax Syntax) : Bound(RuleType.Subject, Syntax);

internal sealed record BoundSubjectField(BoundRole Role, SubjectField Field, RuleType Type, Syntax Syntax) : Bound(Type, Syntax);

internal sealed record BoundInputField(InputField Field, Syntax Syntax) : Bound(RuleType.String, Syntax);

/// <summary><c>suggested.category</c> (string), <c>suggested.confidence</c> and <c>suggested.crisis</c> (numbers 0–1), <c>language</c> (string).</summary>
internal sealed record BoundSuggestion(SuggestionField Field, RuleType Type, Syntax Syntax) : Bound(Type, Syntax);

/// <summary><c>event.data.a.b</c> (a slot of the pack's field table), read as <see cref="Bound.Type"/> (number, string or bool; dynamic until an operator decides).</summary>
internal sealed record BoundEventData(int Slot, RuleType Type, Syntax Syntax) : Bound(Type, Syntax);

/// <summary>count, rate or distinct: one slot of the pack's signal table, asked once per evaluation.</summary>
internal sealed record BoundSignal(int Slot, Syntax Syntax) : Bound(RuleType.Number, Syntax);

/// <summary>linked or linked_banned: one slot of the pack's link table.</summary>
internal sealed record BoundLinked(int Slot, Syntax Syntax) : Bound(RuleType.Bool, Syntax);

internal sealed record BoundLexicon(int Lexicon, string Name, Syntax Syntax) : Bound(RuleType.Matcher, Syntax);

internal sealed record BoundRegex(System.Text.RegularExpressions.Regex Pattern, Syntax Syntax) : Bound(RuleType.Matcher, Syntax);

/// <summary><c>text ~ matcher</c>.</summary>
internal sealed record BoundMatch(Bound Text, Bound Matcher, Syntax Syntax) : Bound(RuleType.Bool, Syntax);

internal sealed record BoundNot(Bound Operand, Syntax Syntax) : Bound(RuleType.Bool, Syntax);

internal sealed record BoundNegate(Bound Operand, Syntax Syntax) : Bound(Operand.Type, Syntax);

internal sealed record BoundBinary(BinaryOperator Operator, Bound Left, Bound Right, RuleType Type, Syntax Syntax) : Bound(Type, Syntax);

internal sealed record BoundList(IReadOnlyList<Bound> Items, RuleType Type, Syntax Syntax) : Bound(Type, Syntax);

/// <summary><c>item in list</c>, <c>contains(list, item)</c>, or (for strings) <c>contains(text, "part")</c>.</summary>
internal sealed record BoundIn(Bound Item, Bound Container, bool Negated, Syntax Syntax) : Bound(RuleType.Bool, Syntax);

/// <summary><c>age(x)</c> or <c>x.age</c>.</summary>
internal sealed record BoundAge(BoundRole Role, Syntax Syntax) : Bound(RuleType.Duration, Syntax);

using System.Text.RegularExpressions;

namespace TrustDesk.Triage.Language;

/// <summary>
/// The type checker: resolves names, checks every operator and function against the types of its operands, and
/// numbers the signal and link questions. Independent parts of an <c>and</c> / <c>or</c> are checked separately, so one
/// rule can report several errors.
/// </summary>
internal sealed class Binder
{
    private const int MaxHops = 4;
    private const int DefaultHops = 2;

    private static readonly string[] SubjectFieldNames = ["kind", "id", "live", "banned", "is_agent", "age"];
    private static readonly string[] InputNames = ["text", "category", "reason", "trigger", "suggested", "language"];
    private static readonly string[] SuggestionFieldNames = ["category", "confidence", "crisis"];
    private static readonly string[] FunctionNames = ["count", "rate", "distinct", "lexicon", "regex", "age", "linked", "linked_banned", "contains"];

    private readonly TriageVocabulary _vocabulary;
    private readonly SlotTable _slots;
    private readonly string _text;
    private readonly bool _textTriggers;
    private readonly bool _eventTriggers;
    private readonly Dictionary<string, int> _roles;

    public Binder(TriageVocabulary vocabulary, SlotTable slots, string text, IReadOnlyCollection<string> triggers)
    {
        _vocabulary = vocabulary;
        _slots = slots;
        _text = text;
        _textTriggers = triggers.All(t => t is TriageInput.ReportReceived or TriageInput.MessageReceived);
        _eventTriggers = triggers.All(t => t.StartsWith(TriageInput.EventPrefix, StringComparison.Ordinal));
        _roles = vocabulary.Roles.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i, StringComparer.Ordinal);
    }

    public List<LanguageError> Errors { get; } = [];

    /// <summary>Bit i set: the rule reads role i, so it runs only on items that have that role.</summary>
    public ulong RequiredRoles { get; private set; }

    /// <summary>The values worth showing when the rule fires (signals, matches, fields), in the order written.</summary>
    public List<Bound> Observations { get; } = [];

    public Bound BindCondition(Syntax syntax)
    {
        try
        {
            return ExpectBool(BindGuarded(syntax), "a condition that is true or false");
        }
        catch (BindException e)
        {
            Errors.Add(e.Error);
            return new BoundLiteral(RuleType.Bool, false, syntax);
        }
    }

    /// <summary>Resolves a role name used outside the condition (a proposal's target).</summary>
    public int? Role(string name) => _roles.TryGetValue(name, out var index) ? index : null;

    private sealed class BindException(LanguageError error) : Exception(error.Message)
    {
        public LanguageError Error { get; } = error;
    }

    private Bound BindGuarded(Syntax syntax)
    {
        try
        {
            return Bind(syntax);
        }
        catch (BindException e)
        {
            Errors.Add(e.Error);
            return new BoundLiteral(RuleType.Bool, false, syntax);
        }
    }

    private Bound Bind(Syntax syntax) => syntax switch
    {
        LiteralSyntax literal => BindLiteral(literal),
        NameSyntax name => BindName(name),
        MemberSyntax member => BindMember(member),
        CallSyntax call => BindCall(call),
        UnarySyntax unary => BindUnary(unary),
        BinarySyntax binary => BindBinary(binary),
        ListSyntax list => BindList(list),
        _ => throw new InvalidOperationException(syntax.GetType().Name),
    };

    private static BoundLiteral BindLiteral(LiteralSyntax literal) => literal.Token.Kind switch
    {
        TokenKind.Number => new BoundLiteral(RuleType.Number, literal.Token.Number, literal),
        TokenKind.Duration => new BoundLiteral(RuleType.Duration, literal.Token.Number, literal),
        TokenKind.String => new BoundLiteral(RuleType.String, literal.Token.Text, literal),
        TokenKind.True => new BoundLiteral(RuleType.Bool, true, literal),
        _ => new BoundLiteral(RuleType.Bool, false, literal),
    };

    private Bound BindName(NameSyntax name)
    {
        switch (name.Name)
        {
            case "S1" or "S2" or "S3" or "S4":
                return new BoundLiteral(RuleType.Severity, name.Name[1] - '0', name);
            case "text":
                RequireTextTrigger(name, "text");
                return Observe(new BoundInputField(InputField.Text, name));
            case "category":
                RequireTextTrigger(name, "category");
                return Observe(new BoundInputField(InputField.Category, name));
            case "reason":
                RequireTextTrigger(name, "reason");
                return Observe(new BoundInputField(InputField.Reason, name));
            case "trigger":
                return new BoundInputField(InputField.Trigger, name);
            case "event":
                throw Error(name.End, "expected \".type\" or \".data.<field>\" after \"event\"");
            case "suggested":
                throw Error(name.End, "expected \".category\", \".confidence\" or \".crisis\" after \"suggested\"");
            case "language":
                RequireTextTrigger(name, "language");
                return Observe(new BoundSuggestion(SuggestionField.Language, RuleType.String, name));
        }

        if (_roles.TryGetValue(name.Name, out var index))
        {
            RequiredRoles |= 1UL << index;
            return new BoundRole(index, name.Name, name);
        }

        var known = _vocabulary.Roles.Concat(InputNames).Append("event").ToList();
        throw Error(name.Start, $"unknown name \"{name.Name}\"{Suggest(name.Name, known)}; expected a subject ({string.Join(", ", _vocabulary.Roles.Take(6))}...), text, category, reason, event.type or event.data.<field>");
    }

    private Bound BindMember(MemberSyntax member)
    {
        if (member.Target is NameSyntax { Name: "event" })
        {
            RequireEventTrigger(member, "event." + member.Member);
            return member.Member switch
            {
                "type" => Observe(new BoundInputField(InputField.EventType, member)),
                "data" => throw Error(member.End, "expected a field after event.data, such as event.data.amount"),
                _ => throw Error(member.MemberStart, $"unknown field \"{member.Member}\" of event; expected type or data"),
            };
        }

        if (member.Target is NameSyntax { Name: "suggested" })
        {
            RequireTextTrigger(member, "suggested." + member.Member);
            return member.Member switch
            {
                "category" => Observe(new BoundSuggestion(SuggestionField.Category, RuleType.String, member)),
                "confidence" => Observe(new BoundSuggestion(SuggestionField.Confidence, RuleType.Number, member)),
                "crisis" => Observe(new BoundSuggestion(SuggestionField.Crisis, RuleType.Number, member)),
                _ => throw Error(member.MemberStart, $"unknown field \"{member.Member}\" of suggested{Suggest(member.Member, SuggestionFieldNames)}; expected {string.Join(", ", SuggestionFieldNames)}"),
            };
        }

        if (DataPath(member) is { } path)
        {
            RequireEventTrigger(member, "event.data");
            return new BoundEventData(_slots.Data(path), RuleType.Dynamic, member);
        }

        var target = Bind(member.Target);
        if (target is not BoundRole role)
        {
            throw Error(member.MemberStart - 1, $"{target.Type} has no fields; expected a subject before \".{member.Member}\"");
        }

        return member.Member switch
        {
            "kind" => Observe(new BoundSubjectField(role, SubjectField.Kind, RuleType.String, member)),
            "id" => Observe(new BoundSubjectField(role, SubjectField.Id, RuleType.String, member)),
            "live" => Observe(new BoundSubjectField(role, SubjectField.Live, RuleType.Bool, member)),
            "banned" => Observe(new BoundSubjectField(role, SubjectField.Banned, RuleType.Bool, member)),
            "is_agent" => Observe(new BoundSubjectField(role, SubjectField.IsAgent, RuleType.Bool, member)),
            "age" => Observe(new BoundAge(role, member)),
            _ => throw Error(member.MemberStart, $"unknown field \"{member.Member}\" of a subject{Suggest(member.Member, SubjectFieldNames)}; expected {string.Join(", ", SubjectFieldNames)}"),
        };
    }

    /// <summary>The field path of <c>event.data.a.b</c>, or null for anything else.</summary>
    private static string[]? DataPath(MemberSyntax member)
    {
        var path = new List<string>();
        Syntax current = member;
        while (current is MemberSyntax m)
        {
            path.Insert(0, m.Member);
            current = m.Target;
        }

        return current is NameSyntax { Name: "event" } && path.Count >= 2 && path[0] == "data" ? path.Skip(1).ToArray() : null;
    }

    private Bound BindUnary(UnarySyntax unary)
    {
        var operand = Bind(unary.Operand);
        if (unary.Operator == TokenKind.Not)
        {
            return new BoundNot(ExpectBool(operand, "true/false after \"not\""), unary);
        }

        operand = Resolve(operand, RuleType.Number);
        if (operand.Type.Kind is not (TypeKind.Number or TypeKind.Duration))
        {
            throw Error(unary.Operand.Start, $"expected a number or duration after \"-\", found {operand.Type}");
        }

        return new BoundNegate(operand, unary);
    }

    private Bound BindBinary(BinarySyntax binary)
    {
        if (binary.Operator is TokenKind.And or TokenKind.Or)
        {
            var name = binary.Operator == TokenKind.And ? "and" : "or";
            var left = ExpectBool(BindGuarded(binary.Left), $"true/false on the left of \"{name}\"");
            var right = ExpectBool(BindGuarded(binary.Right), $"true/false on the right of \"{name}\"");
            return new BoundBinary(binary.Operator == TokenKind.And ? BinaryOperator.And : BinaryOperator.Or, left, right, RuleType.Bool, binary);
        }

        var l = Bind(binary.Left);
        var r = Bind(binary.Right);
        switch (binary.Operator)
        {
            case TokenKind.Tilde:
                l = Resolve(l, RuleType.String);
                if (l.Type != RuleType.String)
                {
                    throw Error(binary.Left.Start, $"expected text on the left of \"~\", found {l.Type}");
                }

                if (r.Type != RuleType.Matcher)
                {
                    throw Error(binary.Right.Start, $"expected lexicon(\"name\") or regex(\"pattern\") after \"~\", found {Found(binary.Right)}");
                }

                return Observe(new BoundMatch(l, r, binary));
            case TokenKind.In:
                return BindIn(l, r, binary.Negated, binary, binary.Right);
        }

        (l, r) = Unify(l, r, binary);
        var op = binary.Operator;
        switch (op)
        {
            case TokenKind.Equal or TokenKind.NotEqual:
                if (l.Type.Kind is TypeKind.List or TypeKind.Matcher)
                {
                    throw Error(binary.OperatorStart, $"cannot compare {l.Type} with \"{(op == TokenKind.Equal ? "==" : "!=")}\"");
                }

                CheckKindLiteral(l, r);
                CheckKindLiteral(r, l);
                return new BoundBinary(op == TokenKind.Equal ? BinaryOperator.Equal : BinaryOperator.NotEqual, l, r, RuleType.Bool, binary);
            case TokenKind.Less or TokenKind.LessOrEqual or TokenKind.Greater or TokenKind.GreaterOrEqual:
                if (l.Type.Kind is not (TypeKind.Number or TypeKind.Duration or TypeKind.Severity))
                {
                    throw Error(binary.OperatorStart, $"cannot order {l.Type}: \"<\" and \">\" compare numbers, durations and severities");
                }

                var comparison = op switch
                {
                    TokenKind.Less => BinaryOperator.Less,
                    TokenKind.LessOrEqual => BinaryOperator.LessOrEqual,
                    TokenKind.Greater => BinaryOperator.Greater,
                    _ => BinaryOperator.GreaterOrEqual,
                };
                return new BoundBinary(comparison, l, r, RuleType.Bool, binary);
            default:
                return BindArithmetic(op, l, r, binary);
        }
    }

    private BoundBinary BindArithmetic(TokenKind op, Bound l, Bound r, BinarySyntax binary)
    {
        var (lk, rk) = (l.Type.Kind, r.Type.Kind);
        RuleType? type = op switch
        {
            TokenKind.Plus or TokenKind.Minus when lk == rk && lk is TypeKind.Number or TypeKind.Duration => l.Type,
            TokenKind.Star when lk == TypeKind.Number && rk == TypeKind.Number => RuleType.Number,
            TokenKind.Star when (lk, rk) is (TypeKind.Duration, TypeKind.Number) or (TypeKind.Number, TypeKind.Duration) => RuleType.Duration,
            TokenKind.Slash when lk == TypeKind.Number && rk == TypeKind.Number => RuleType.Number,
            TokenKind.Slash when lk == TypeKind.Duration && rk == TypeKind.Number => RuleType.Duration,
            TokenKind.Slash when lk == TypeKind.Duration && rk == TypeKind.Duration => RuleType.Number,
            _ => null,
        };
        var symbol = _text[binary.OperatorStart].ToString();
        if (type is null)
        {
            throw Error(binary.OperatorStart, $"cannot apply \"{symbol}\" to {l.Type} and {r.Type}");
        }

        var arithmetic = op switch
        {
            TokenKind.Plus => BinaryOperator.Add,
            TokenKind.Minus => BinaryOperator.Subtract,
            TokenKind.Star => BinaryOperator.Multiply,
            _ => BinaryOperator.Divide,
        };
        return new BoundBinary(arithmetic, l, r, type, binary);
    }

    /// <summary>Operands of a comparison or arithmetic must have one type; an event field takes the other side's.</summary>
    private (Bound, Bound) Unify(Bound l, Bound r, BinarySyntax binary)
    {
        var arithmetic = binary.Operator is TokenKind.Plus or TokenKind.Minus or TokenKind.Star or TokenKind.Slash;
        if (l.Type.Kind == TypeKind.Dynamic && r.Type.Kind == TypeKind.Dynamic)
        {
            if (!arithmetic)
            {
                throw Error(binary.Left.Start, $"cannot tell what {Found(binary.Left)} holds; compare an event field with a number, string or true/false");
            }

            return (Resolve(l, RuleType.Number), Resolve(r, RuleType.Number));
        }

        if (l.Type.Kind == TypeKind.Dynamic)
        {
            l = Resolve(l, arithmetic ? RuleType.Number : r.Type, binary.Left);
        }

        if (r.Type.Kind == TypeKind.Dynamic)
        {
            r = Resolve(r, arithmetic ? RuleType.Number : l.Type, binary.Right);
        }

        if (!arithmetic && l.Type != r.Type)
        {
            var hint = (l.Type.Kind, r.Type.Kind) is (TypeKind.Duration, TypeKind.Number) or (TypeKind.Number, TypeKind.Duration)
                ? "; write a duration with its unit, such as 30d"
                : "";
            var symbol = _text[binary.OperatorStart..(binary.OperatorStart + (binary.Operator is TokenKind.Less or TokenKind.Greater ? 1 : 2))];
            throw Error(binary.OperatorStart, $"cannot compare {l.Type} with {r.Type} using \"{symbol}\"{hint}");
        }

        return (l, r);
    }

    private BoundIn BindIn(Bound item, Bound container, bool negated, Syntax syntax, Syntax containerSyntax)
    {
        if (container.Type.Kind == TypeKind.String)
        {
            item = Resolve(item, RuleType.String);
            if (item.Type != RuleType.String)
            {
                throw Error(syntax.Start, $"expected a string to look for in {Found(containerSyntax)}, found {item.Type}");
            }

            return new BoundIn(item, container, negated, syntax);
        }

        if (container.Type.Kind != TypeKind.List)
        {
            throw Error(containerSyntax.Start, $"expected a list such as [\"a\", \"b\"], found {Found(containerSyntax)}");
        }

        var element = container.Type.Element;
        if (element is not null)
        {
            item = Resolve(item, element);
            if (item.Type != element)
            {
                throw Error(syntax.Start, $"cannot look for {item.Type} in {container.Type}");
            }
        }

        return new BoundIn(item, container, negated, syntax);
    }

    private BoundList BindList(ListSyntax list)
    {
        var items = list.Items.Select(Bind).ToList();
        var element = items.Select(i => i.Type).FirstOrDefault(t => t.Kind != TypeKind.Dynamic);
        for (var i = 0; i < items.Count; i++)
        {
            if (element is null)
            {
                throw Error(list.Items[i].Start, $"cannot tell what {Found(list.Items[i])} holds; put a literal in the list");
            }

            items[i] = Resolve(items[i], element, list.Items[i]);
            if (items[i].Type != element)
            {
                throw Error(list.Items[i].Start, $"expected {element} like the first item of the list, found {items[i].Type}");
            }

            if (element.Kind is TypeKind.List or TypeKind.Matcher)
            {
                throw Error(list.Items[i].Start, $"a list cannot hold {element}");
            }
        }

        return new BoundList(items, RuleType.ListOf(element), list);
    }

    private Bound BindCall(CallSyntax call)
    {
        var args = call.Arguments;
        switch (call.Function)
        {
            case "count":
                Arity(call, 3, 4, "count(eventType, subject, window[, role])");
                var countType = EventTypeArgument(args[0]);
                var countRole = RoleArgument(args[1]);
                var explicitRole = args.Count == 4 ? StringArgument(args[3], "a role in quotes such as \"seller\"") : null;
                return Observe(new BoundSignal(_slots.Signal(new SignalSlot(
                    SignalKind.Count, countType, countRole.Index, explicitRole ?? DefaultCountRole(countType, countRole.Role), Window(args[2]), null)), call));
            case "rate":
                Arity(call, 3, 4, "rate(eventType, subject, window[, baseEventType])");
                var rateRole = RoleArgument(args[1]);
                var type = EventTypeArgument(args[0]);
                var window = Window(args[2]);
                var baseType = args.Count == 4 ? EventTypeArgument(args[3]) : "order.placed";
                return Observe(new BoundSignal(_slots.Signal(new SignalSlot(
                    SignalKind.Rate, type, rateRole.Index, DefaultCountRole(type, rateRole.Role), window, baseType)), call));
            case "distinct":
                Arity(call, 3, 3, "distinct(identifierType, subject, window)");
                var identifier = StringArgument(args[0], "an identifier type in quotes such as \"device\"");
                if (!_vocabulary.IdentifierTypes.Contains(identifier))
                {
                    throw Error(args[0].Start, $"unknown identifier type \"{identifier}\"{Suggest(identifier, _vocabulary.IdentifierTypes)}; expected one of {string.Join(", ", _vocabulary.IdentifierTypes)}");
                }

                var distinctRole = RoleArgument(args[1]);
                return Observe(new BoundSignal(_slots.Signal(new SignalSlot(
                    SignalKind.Distinct, identifier, distinctRole.Index, null, Window(args[2]), null)), call));
            case "lexicon":
                Arity(call, 1, 1, "lexicon(name)");
                var lexiconName = StringArgument(args[0], "a lexicon name in quotes such as \"self_harm\"");
                var lexicon = _vocabulary.Lexicons.IndexOf(lexiconName);
                if (lexicon < 0)
                {
                    throw Error(args[0].Start, $"unknown lexicon \"{lexiconName}\"{Suggest(lexiconName, _vocabulary.Lexicons.Names)}; expected one of {string.Join(", ", _vocabulary.Lexicons.Names)}");
                }

                return new BoundLexicon(lexicon, lexiconName, call);
            case "regex":
                Arity(call, 1, 1, "regex(pattern)");
                var pattern = StringArgument(args[0], "a pattern in quotes such as \"\\d{3}\"");
                try
                {
                    return new BoundRegex(new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking), call);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException)
                {
                    throw Error(args[0].Start, $"expected a regular expression without backreferences or lookarounds: {e.Message}");
                }

            case "age":
                Arity(call, 1, 1, "age(subject)");
                var aged = RoleArgument(args[0]);
                return Observe(new BoundAge(aged, call));
            case "linked":
                Arity(call, 2, 3, "linked(subject, otherSubject[, hops])");
                var from = RoleArgument(args[0]);
                var to = RoleArgument(args[1]);
                return Observe(new BoundLinked(_slots.Link(new LinkSlot(from.Index, to.Index, args.Count == 3 ? Hops(args[2]) : DefaultHops)), call));
            case "linked_banned":
                Arity(call, 1, 2, "linked_banned(subject[, hops])");
                var account = RoleArgument(args[0]);
                return Observe(new BoundLinked(_slots.Link(new LinkSlot(account.Index, -1, args.Count == 2 ? Hops(args[1]) : DefaultHops)), call));
            case "contains":
                Arity(call, 2, 2, "contains(textOrList, value)");
                var haystack = Bind(args[0]);
                if (haystack.Type.Kind == TypeKind.Dynamic)
                {
                    haystack = Resolve(haystack, RuleType.String);
                }

                return BindIn(Bind(args[1]), haystack, false, call, args[0]);
            default:
                throw Error(call.Start, $"unknown function \"{call.Function}\"{Suggest(call.Function, FunctionNames)}; expected one of {string.Join(", ", FunctionNames)}");
        }
    }

    /// <summary>
    /// The role a count filters on: the one the rule names (<c>seller</c> counts orders it sold), except the neutral names
    /// (<c>subject</c>, <c>author</c>, a kind), which count every role. Reports have two roles, as intake records them:
    /// reports about the subject (<c>reported</c>) and reports it filed (<c>reporter</c>).
    /// </summary>
    private static string? DefaultCountRole(string eventType, string role)
    {
        if (eventType == "report")
        {
            return role == "reporter" ? "reporter" : "reported";
        }

        return role is "subject" or "author" || TriageVocabulary.SubjectKinds.Contains(role) ? null : role;
    }

    private void Arity(CallSyntax call, int min, int max, string signature)
    {
        if (call.Arguments.Count < min || call.Arguments.Count > max)
        {
            var offset = call.Arguments.Count > max ? call.Arguments[max].Start : call.End - 1;
            throw Error(offset, $"expected {signature}, found {call.Arguments.Count} argument{(call.Arguments.Count == 1 ? "" : "s")}");
        }
    }

    private BoundRole RoleArgument(Syntax syntax)
    {
        if (syntax is NameSyntax name && _roles.TryGetValue(name.Name, out var index))
        {
            RequiredRoles |= 1UL << index;
            return new BoundRole(index, name.Name, name);
        }

        var suggestion = syntax is NameSyntax n ? Suggest(n.Name, _vocabulary.Roles) : "";
        throw Error(syntax.Start, $"expected a subject such as subject, author or seller, found {Found(syntax)}{suggestion}");
    }

    private string StringArgument(Syntax syntax, string what) =>
        syntax is LiteralSyntax { Token.Kind: TokenKind.String } literal
            ? literal.Token.Text
            : throw Error(syntax.Start, $"expected {what}, found {Found(syntax)}");

    private string EventTypeArgument(Syntax syntax)
    {
        var type = StringArgument(syntax, "an event type in quotes such as \"report\" or \"order.placed\"");
        var known = TriageVocabulary.DeskEventTypes.Concat(_vocabulary.EventTypes).ToList();
        if (!known.Contains(type))
        {
            throw Error(syntax.Start, $"unknown event type \"{type}\"{Suggest(type, known)}; expected \"report\", \"message\" or a platform event type such as \"order.placed\"");
        }

        return type;
    }

    private TimeSpan Window(Syntax syntax)
    {
        if (syntax is not LiteralSyntax { Token.Kind: TokenKind.Duration } literal)
        {
            throw Error(syntax.Start, $"expected a duration such as 10m, found {Found(syntax)}");
        }

        if (literal.Token.Number <= 0)
        {
            throw Error(syntax.Start, $"expected a window longer than zero, found {Found(syntax)}");
        }

        return TimeSpan.FromSeconds(literal.Token.Number);
    }

    private int Hops(Syntax syntax)
    {
        if (syntax is LiteralSyntax { Token.Kind: TokenKind.Number } literal && literal.Token.Number is >= 1 and <= MaxHops && literal.Token.Number % 1 == 0)
        {
            return (int)literal.Token.Number;
        }

        throw Error(syntax.Start, $"expected a number of hops from 1 to {MaxHops}, found {Found(syntax)}");
    }

    private Bound ExpectBool(Bound bound, string what)
    {
        bound = Resolve(bound, RuleType.Bool);
        if (bound.Type != RuleType.Bool)
        {
            throw Error(bound.Syntax.Start, $"expected {what}, found {bound.Type} ({Found(bound.Syntax)})");
        }

        return bound;
    }

    private Bound Resolve(Bound bound, RuleType type, Syntax? at = null)
    {
        if (bound is not BoundEventData { Type.Kind: TypeKind.Dynamic } data)
        {
            return bound;
        }

        if (type.Kind is not (TypeKind.Number or TypeKind.String or TypeKind.Bool))
        {
            throw Error((at ?? bound.Syntax).Start, $"an event field can be compared with a number, string or true/false, not {type}");
        }

        return Observe(data with { Type = type });
    }

    private void CheckKindLiteral(Bound field, Bound other)
    {
        if (field is BoundSubjectField { Field: SubjectField.Kind } && other is BoundLiteral { Value: string kind } literal
            && !TriageVocabulary.SubjectKinds.Contains(kind))
        {
            throw Error(literal.Syntax.Start, $"expected a subject kind ({string.Join(", ", TriageVocabulary.SubjectKinds)}), found \"{kind}\"{Suggest(kind, TriageVocabulary.SubjectKinds)}");
        }
    }

    private void RequireTextTrigger(Syntax syntax, string name)
    {
        if (!_textTriggers)
        {
            throw Error(syntax.Start, $"{name} is only set for report.received and message.received; this rule also runs on events");
        }
    }

    private void RequireEventTrigger(Syntax syntax, string name)
    {
        if (!_eventTriggers)
        {
            throw Error(syntax.Start, $"{name} is only set for event.* triggers; this rule also runs on reports or messages");
        }
    }

    private T Observe<T>(T bound)
        where T : Bound
    {
        if (bound is not BoundEventData { Type.Kind: TypeKind.Dynamic })
        {
            Observations.Add(bound);
        }

        return bound;
    }

    private string Found(Syntax syntax) => $"\"{RulePackParser.Excerpt(_text[syntax.Start..syntax.End])}\"";

    private BindException Error(int offset, string message) => new(new LanguageError(offset, message));

    /// <summary>"; did you mean "seller"?" for a name one or two edits away from a known one.</summary>
    private static string Suggest(string name, IEnumerable<string> known)
    {
        var best = known
            .Select(k => (Name: k, Distance: Distance(name, k)))
            .Where(k => k.Distance <= Math.Min(2, Math.Max(1, name.Length / 3)))
            .OrderBy(k => k.Distance)
            .FirstOrDefault();
        return best.Name is null ? "" : $" (did you mean \"{best.Name}\"?)";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

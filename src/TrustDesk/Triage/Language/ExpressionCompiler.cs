using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;

namespace TrustDesk.Triage.Language;

/// <summary>
/// Turns a checked condition into a delegate through System.Linq.Expressions: compiled to IL once, when the pack is
/// compiled, and then called per item like any method. Durations are seconds (double), severities their number; a
/// missing value is NaN or null, so any comparison with it is false (and <c>!=</c> true).
/// </summary>
internal static class ExpressionCompiler
{
    private static readonly ParameterExpression Frame = Expression.Parameter(typeof(TriageFrame), "frame");

    public static Func<TriageFrame, bool> CompileCondition(Bound condition) =>
        Expression.Lambda<Func<TriageFrame, bool>>(Compile(condition), Frame).Compile();

    /// <summary>One delegate that reads every observation of a rule, for the hit record; called only when the rule fires.</summary>
    public static Func<TriageFrame, object?[]> CompileObservations(IReadOnlyList<Bound> observations) =>
        Expression.Lambda<Func<TriageFrame, object?[]>>(
            Expression.NewArrayInit(typeof(object), observations.Select(o => Observe(o)).Select(e => e.Type.IsValueType ? Expression.Convert(e, typeof(object)) : e)),
            Frame).Compile();

    private static Expression Observe(Bound bound) => bound switch
    {
        BoundMatch { Text: BoundInputField { Field: InputField.Text }, Matcher: BoundLexicon lexicon } =>
            Call(nameof(TriageFrame.TextMatches), Expression.Constant(lexicon.Lexicon)),
        BoundMatch { Matcher: BoundLexicon lexicon } match =>
            Call(nameof(TriageFrame.Matches), Compile(match.Text), Expression.Constant(lexicon.Lexicon)),
        BoundMatch { Matcher: BoundRegex regex } match =>
            Static(nameof(TriageFrame.RegexMatch), Compile(match.Text), Expression.Constant(regex.Pattern)),
        BoundLinked linked => Call(nameof(TriageFrame.Link), Expression.Constant(linked.Slot)),
        BoundRole role => Role(role),
        _ => Compile(bound),
    };

    private static Expression Compile(Bound bound) => bound switch
    {
        BoundLiteral literal => Literal(literal),
        BoundRole role => Role(role),
        BoundSubjectField field => CompileSubjectField(field),
        BoundAge age => Call(nameof(TriageFrame.Age), Role(age.Role)),
        BoundInputField field => Expression.Property(Frame, field.Field switch
        {
            InputField.Text => nameof(TriageFrame.Text),
            InputField.Category => nameof(TriageFrame.Category),
            InputField.Reason => nameof(TriageFrame.Reason),
            InputField.Trigger => nameof(TriageFrame.Trigger),
            _ => nameof(TriageFrame.EventType),
        }),
        BoundSuggestion suggestion => Expression.Property(Frame, suggestion.Field switch
        {
            SuggestionField.Category => nameof(TriageFrame.SuggestedCategory),
            SuggestionField.Confidence => nameof(TriageFrame.SuggestedConfidence),
            SuggestionField.Crisis => nameof(TriageFrame.SuggestedCrisis),
            _ => nameof(TriageFrame.Language),
        }),
        BoundEventData data => Call(
            data.Type.Kind switch
            {
                TypeKind.Number => nameof(TriageFrame.DataNumber),
                TypeKind.String => nameof(TriageFrame.DataString),
                _ => nameof(TriageFrame.DataBool),
            },
            Expression.Constant(data.Slot)),
        BoundSignal signal => Call(nameof(TriageFrame.Signal), Expression.Constant(signal.Slot)),
        BoundLinked linked => Call(nameof(TriageFrame.Linked), Expression.Constant(linked.Slot)),
        BoundMatch match => Match(match),
        BoundNot not => Expression.Not(Compile(not.Operand)),
        BoundNegate negate => Expression.Negate(Compile(negate.Operand)),
        BoundBinary binary => Binary(binary),
        BoundIn @in => In(@in),
        BoundList list => throw new InvalidOperationException($"A list is only compiled as the right side of \"in\" ({list.Syntax.Start})."),
        _ => throw new InvalidOperationException($"Cannot compile {bound.GetType().Name}."),
    };

    private static ConstantExpression Literal(BoundLiteral literal) => literal.Type.Kind switch
    {
        TypeKind.Number or TypeKind.Duration => Expression.Constant((double)literal.Value),
        TypeKind.Severity => Expression.Constant((int)literal.Value),
        TypeKind.Bool => Expression.Constant((bool)literal.Value),
        _ => Expression.Constant((string)literal.Value, typeof(string)),
    };

    private static MethodCallExpression Role(BoundRole role) => Call(nameof(TriageFrame.Role), Expression.Constant(role.Index));

    private static MemberExpression CompileSubjectField(BoundSubjectField field)
    {
        var facts = Role(field.Role);
        return field.Field switch
        {
            SubjectField.Kind => Expression.Property(Expression.Property(facts, nameof(SubjectFacts.Handle)), nameof(SubjectHandle.Kind)),
            SubjectField.Id => Expression.Property(Expression.Property(facts, nameof(SubjectFacts.Handle)), nameof(SubjectHandle.ExternalId)),
            SubjectField.Live => Expression.Property(facts, nameof(SubjectFacts.Live)),
            SubjectField.Banned => Expression.Property(facts, nameof(SubjectFacts.Banned)),
            _ => Expression.Property(facts, nameof(SubjectFacts.IsAgent)),
        };
    }

    private static MethodCallExpression Match(BoundMatch match) => match.Matcher switch
    {
        BoundLexicon lexicon when match.Text is BoundInputField { Field: InputField.Text } =>
            Call(nameof(TriageFrame.TextMatchesLexicon), Expression.Constant(lexicon.Lexicon)),
        BoundLexicon lexicon => Call(nameof(TriageFrame.MatchesLexicon), Compile(match.Text), Expression.Constant(lexicon.Lexicon)),
        BoundRegex regex => Static(nameof(TriageFrame.MatchesRegex), Compile(match.Text), Expression.Constant(regex.Pattern, typeof(Regex))),
        _ => throw new InvalidOperationException("Unknown matcher."),
    };

    private static Expression Binary(BoundBinary binary)
    {
        var left = Compile(binary.Left);
        var right = Compile(binary.Right);
        var operandKind = binary.Left.Type.Kind;
        switch (binary.Operator)
        {
            case BinaryOperator.And:
                return Expression.AndAlso(left, right);
            case BinaryOperator.Or:
                return Expression.OrElse(left, right);
            case BinaryOperator.Equal or BinaryOperator.NotEqual:
                Expression equal = operandKind switch
                {
                    TypeKind.String => Expression.Call(typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string)])!, left, right),
                    TypeKind.Subject => Static(nameof(TriageFrame.SameSubject), left, right),
                    _ => binary.Operator == BinaryOperator.Equal ? Expression.Equal(left, right) : Expression.NotEqual(left, right),
                };
                // For numbers NotEqual keeps IEEE semantics (NaN != x); for strings and subjects it is "not equal".
                return binary.Operator == BinaryOperator.NotEqual && operandKind is TypeKind.String or TypeKind.Subject
                    ? Expression.Not(equal)
                    : equal;
            case BinaryOperator.Less:
                return Expression.LessThan(left, right);
            case BinaryOperator.LessOrEqual:
                return Expression.LessThanOrEqual(left, right);
            case BinaryOperator.Greater:
                return Expression.GreaterThan(left, right);
            case BinaryOperator.GreaterOrEqual:
                return Expression.GreaterThanOrEqual(left, right);
            case BinaryOperator.Add:
                return Expression.Add(left, right);
            case BinaryOperator.Subtract:
                return Expression.Subtract(left, right);
            case BinaryOperator.Multiply:
                return Expression.Multiply(left, right);
            default:
                return Expression.Divide(left, right);
        }
    }

    /// <summary>
    /// Up to this many items, <c>x in [...]</c> compares one by one: an ordinal comparison of strings of different
    /// lengths costs less than hashing the item once.
    /// </summary>
    private const int SmallList = 8;

    /// <summary>A long list of constants becomes a hash set built once; a short one, or one with fields, a chain of comparisons.</summary>
    private static Expression In(BoundIn @in)
    {
        var item = Compile(@in.Item);
        Expression result;
        if (@in.Container is BoundInputField { Field: InputField.Text } && @in.Item is BoundLiteral { Value: string part })
        {
            result = Call(nameof(TriageFrame.TextContains), Expression.Constant(part.ToLowerInvariant()));
        }
        else if (@in.Container.Type.Kind == TypeKind.String)
        {
            result = Static(nameof(TriageFrame.ContainsText), Compile(@in.Container), item);
        }
        else if (@in.Container is BoundList list && list.Items.Count > SmallList && list.Items.All(i => i is BoundLiteral))
        {
            var kind = list.Type.Element?.Kind;
            result = kind switch
            {
                null => Expression.Constant(false),
                TypeKind.String => Contains(list.Items.Select(i => (string)((BoundLiteral)i).Value).ToHashSet(StringComparer.Ordinal), item),
                TypeKind.Number or TypeKind.Duration => Contains(list.Items.Select(i => (double)((BoundLiteral)i).Value).ToHashSet(), item),
                TypeKind.Severity => Contains(list.Items.Select(i => (int)((BoundLiteral)i).Value).ToHashSet(), item),
                _ => Contains(list.Items.Select(i => (bool)((BoundLiteral)i).Value).ToHashSet(), item),
            };
        }
        else if (@in.Container is BoundList items)
        {
            var variable = Expression.Variable(item.Type, "item");
            Expression any = Expression.Constant(false);
            foreach (var element in items.Items.Reverse())
            {
                var equal = new BoundBinary(BinaryOperator.Equal, new Placeholder(@in.Item.Type, variable), element, RuleType.Bool, element.Syntax);
                any = Expression.OrElse(CompilePlaceholder(equal), any);
            }

            result = Expression.Block([variable], Expression.Assign(variable, item), any);
        }
        else
        {
            throw new InvalidOperationException("\"in\" needs a list.");
        }

        return @in.Negated ? Expression.Not(result) : result;
    }

    private static MethodCallExpression Contains<T>(HashSet<T> set, Expression item) =>
        Expression.Call(Expression.Constant(set), typeof(HashSet<T>).GetMethod(nameof(HashSet<T>.Contains))!, item);

    /// <summary>A value already computed into a variable, standing in an operand of a comparison.</summary>
    private sealed record Placeholder(RuleType Type, ParameterExpression Variable) : Bound(Type, new NameSyntax("item", 0, 0));

    private static Expression CompilePlaceholder(BoundBinary equal)
    {
        var left = ((Placeholder)equal.Left).Variable;
        var right = Compile(equal.Right);
        return equal.Left.Type.Kind switch
        {
            TypeKind.String => Expression.Call(typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string)])!, left, right),
            TypeKind.Subject => Static(nameof(TriageFrame.SameSubject), left, right),
            _ => Expression.Equal(left, right),
        };
    }

    private static MethodCallExpression Call(string method, params Expression[] arguments) =>
        Expression.Call(Frame, Method(method), arguments);

    private static MethodCallExpression Static(string method, params Expression[] arguments) =>
        Expression.Call(Method(method), arguments);

    private static MethodInfo Method(string name) =>
        typeof(TriageFrame).GetMethod(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            ?? throw new InvalidOperationException($"TriageFrame.{name} is missing.");
}

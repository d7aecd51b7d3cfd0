using System.Text.RegularExpressions;
using TrustDesk.Triage.Language;

namespace TrustDesk.Triage;

/// <summary>A compiled pack, or why the rules do not compile. Rules that compile are in the pack even when others do not.</summary>
public sealed record RuleCompilation(CompiledRulePack Pack, IReadOnlyList<RuleDiagnostic> Diagnostics)
{
    public bool Succeeded => Diagnostics.Count == 0;

    /// <summary>The pack, or a <see cref="RuleCompilationException"/> listing every diagnostic.</summary>
    public CompiledRulePack PackOrThrow() => Succeeded ? Pack : throw new RuleCompilationException(Diagnostics);
}

/// <summary>
/// Checks and compiles rules: parse (<see cref="RulePackParser"/>, <see cref="Parser"/>), type-check
/// (<see cref="Binder"/>), compile to delegates (<see cref="ExpressionCompiler"/>). Each rule is compiled once here,
/// never interpreted per item.
/// </summary>
public static partial class RuleCompiler
{
    /// <summary>Parses and compiles the text of a rule pack (or of one rule, as the API stores it).</summary>
    public static RuleCompilation Compile(string text, string? source = null, TriageVocabulary? vocabulary = null)
    {
        var parsed = RulePackParser.Parse(text, source);
        var compiled = Compile(parsed.Rules, vocabulary);
        return compiled with { Diagnostics = [.. parsed.Diagnostics, .. compiled.Diagnostics] };
    }

    /// <summary>Compiles rules already parsed (from several files or database rows, each with its own source).</summary>
    public static RuleCompilation Compile(IEnumerable<RuleDefinition> rules, TriageVocabulary? vocabulary = null)
    {
        vocabulary ??= TriageVocabulary.Default;
        if (vocabulary.Roles.Count > 64)
        {
            throw new ArgumentException("At most 64 roles.", nameof(vocabulary));
        }

        var slots = new SlotTable();
        var compiled = new List<CompiledRule>();
        var diagnostics = new List<RuleDiagnostic>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var order = 0;
        foreach (var rule in rules)
        {
            void Report(SourcePosition at, string message) =>
                diagnostics.Add(new RuleDiagnostic(rule.Source, rule.Name, at.Line, at.Column, message));

            if (!names.Add(rule.Name))
            {
                Report(rule.At, $"another rule is already named \"{rule.Name}\"");
                continue;
            }

            var before = diagnostics.Count;
            foreach (var (trigger, at) in rule.Triggers)
            {
                if (!IsTrigger(trigger, vocabulary))
                {
                    Report(at, $"unknown trigger \"{trigger}\"; expected report.received, message.received or event.<type> such as event.shipment.late");
                }
            }

            Syntax? syntax = null;
            try
            {
                syntax = Parser.Parse(rule.When.Text);
            }
            catch (SyntaxErrorException e)
            {
                Report(rule.When.PositionOf(e.Error.Offset), e.Error.Message);
            }

            var binder = new Binder(vocabulary, slots, rule.When.Text, rule.Triggers.Select(t => t.Trigger).ToList());
            var condition = syntax is null ? null : binder.BindCondition(syntax);
            foreach (var error in binder.Errors.OrderBy(e => e.Offset))
            {
                Report(rule.When.PositionOf(error.Offset), error.Message);
            }

            var actions = new List<RuleAction>();
            var requiredRoles = binder.RequiredRoles;
            foreach (var then in rule.Then)
            {
                var (action, error) = ActionParser.Parse(then.Text, vocabulary, binder.Role);
                if (error is not null)
                {
                    Report(then.PositionOf(error.Offset), error.Message);
                    continue;
                }

                if (action is ProposeAction propose)
                {
                    requiredRoles |= 1UL << propose.TargetRole;
                }

                actions.Add(action!);
            }

            if (diagnostics.Count > before || condition is null)
            {
                continue;
            }

            var observations = binder.Observations
                .Where(o => o is not BoundInputField { Field: InputField.Text })
                .Select(o => (Label: Label(rule.When.Text, o.Syntax), Bound: o))
                .DistinctBy(o => o.Label)
                .ToList();
            var severity = actions.OfType<SeverityAction>().Select(a => (Taxonomy.Severity?)a.Severity).Min();
            compiled.Add(new CompiledRule
            {
                Definition = rule,
                Order = order,
                Condition = ExpressionCompiler.CompileCondition(condition),
                Observe = new(() => ExpressionCompiler.CompileObservations(observations.Select(o => o.Bound).ToList())),
                Observations = observations,
                RequiredRoles = requiredRoles,
                Actions = actions,
                ActionTexts = actions.Select(a => a.Text).ToArray(),
                Severity = severity,
                Questions = HitQuestions.Of(observations.Select(o => o.Bound)),
                Effect = new RuleEffect(rule.Name, severity, order, actions),
            });
            order++;
        }

        return new RuleCompilation(new CompiledRulePack(vocabulary, slots, compiled), diagnostics);
    }

    private static bool IsTrigger(string trigger, TriageVocabulary vocabulary) =>
        trigger is TriageInput.ReportReceived or TriageInput.MessageReceived
        || (trigger.StartsWith(TriageInput.EventPrefix, StringComparison.Ordinal) && vocabulary.EventTypes.Contains(trigger[TriageInput.EventPrefix.Length..]));

    /// <summary>The condition text of a node on one line, as the hit record shows it.</summary>
    private static string Label(string text, Syntax syntax) => Whitespace().Replace(text[syntax.Start..syntax.End], " ");

    [GeneratedRegex("\\s+")]
    private static partial Regex Whitespace();
}

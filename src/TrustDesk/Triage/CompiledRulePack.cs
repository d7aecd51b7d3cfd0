using TrustDesk.Taxonomy;
using System.Buffers;
using System.Globalization;
using TrustDesk.Triage.Classifier;
using TrustDesk.Triage.Language;
using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Triage;

/// <summary>A rule of a compiled pack, as the API and the console list it.</summary>
public sealed record RuleSummary(string Name, int Version, RuleState State, IReadOnlyList<string> Triggers, string? Description, string? Source);

/// <summary>A rule ready to run: its condition and observations are compiled delegates, its actions merged in advance.</summary>
internal sealed class CompiledRule
{
    public required RuleDefinition Definition { get; init; }
    public required int Order { get; init; }
    public required Func<TriageFrame, bool> Condition { get; init; }
    /// <summary>Compiled when a hit's values are first read: most rules fire rarely, and compiling is the slow part of loading a pack.</summary>
    public required Lazy<Func<TriageFrame, object?[]>> Observe { get; init; }
    public required IReadOnlyList<(string Label, Bound Bound)> Observations { get; init; }
    public required ulong RequiredRoles { get; init; }
    public required IReadOnlyList<RuleAction> Actions { get; init; }

    public required Severity? Severity { get; init; }
    public required IReadOnlyList<string> ActionTexts { get; init; }

    /// <summary>What the observations ask the frame, answered at the hit so the values can be read after the evaluation.</summary>
    public required HitQuestions Questions { get; init; }

    /// <summary>The rule's actions merged once, when it is compiled: a rule's actions do not depend on the item.</summary>
    public required RuleEffect Effect { get; init; }

    /// <summary>
    /// The hit. Its values are formatted when first read, from the frame's answers: <see cref="HitQuestions.Ask"/>
    /// makes sure the frame holds every one (a value the condition skipped, such as the right side of a true
    /// <c>or</c>, is asked now, while the context still answers).
    /// </summary>
    public RuleHit Hit(TriageFrame frame) =>
        new(Definition.Name, Definition.Version, Definition.State, Observations.Count == 0 ? [] : new HitValues(this, frame), ActionTexts);

    /// <summary>The values, formatted as the hit record shows them.</summary>
    public HitValue[] Values(TriageFrame frame)
    {
        var raw = Observe.Value(frame);
        var values = new HitValue[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            values[i] = new HitValue(Observations[i].Label, Format(Observations[i].Bound, raw[i]));
        }

        return values;
    }

    internal static string Format(Bound bound, object? value) => value switch
    {
        null => bound switch
        {
            BoundLinked => "no link",
            BoundMatch => "no match",
            _ => "(none)",
        },
        double d when double.IsNaN(d) => "unknown",
        double d when bound.Type.Kind == TypeKind.Duration => FormatDuration(d),
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        int severity when bound.Type.Kind == TypeKind.Severity => "S" + severity,
        bool b => b ? "true" : "false",
        string s when bound is BoundMatch => $"matched \"{s}\"",
        string s => "\"" + s + "\"",
        IReadOnlyList<LexiconMatch> matches => "matched " + string.Join(", ", matches),
        SubjectFacts facts => facts.Handle.ToString(),
        LinkPath path => path.ToString(),
        _ => value.ToString() ?? "",
    };

    internal static string FormatDuration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Abs(seconds));
        var sign = seconds < 0 ? "-" : "";
        if (span.TotalDays >= 1)
        {
            return sign + (span.Hours == 0 ? $"{(int)span.TotalDays}d" : $"{(int)span.TotalDays}d {span.Hours}h");
        }

        if (span.TotalHours >= 1)
        {
            return sign + (span.Minutes == 0 ? $"{(int)span.TotalHours}h" : $"{(int)span.TotalHours}h {span.Minutes}m");
        }

        return sign + (span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m" : $"{(int)span.TotalSeconds}s");
    }
}

/// <summary>The values of a hit, formatted on first read: most hits are stored, few are read one by one.</summary>
internal sealed class HitValues(CompiledRule rule, TriageFrame frame) : IReadOnlyList<HitValue>
{
    private HitValue[]? _values;

    public int Count => rule.Observations.Count;

    public HitValue this[int index] => Values[index];

    private HitValue[] Values => _values ??= rule.Values(frame);

    public IEnumerator<HitValue> GetEnumerator() => ((IEnumerable<HitValue>)Values).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The signals, links, event fields and lexicons a rule's hit values read, by slot.</summary>
internal sealed class HitQuestions
{
    public static readonly HitQuestions None = new([], [], [], []);

    private readonly int[] _signals;
    private readonly int[] _links;
    private readonly (int Slot, TypeKind As)[] _data;
    private readonly int[] _textLexicons;

    private HitQuestions(int[] signals, int[] links, (int Slot, TypeKind As)[] data, int[] textLexicons)
    {
        _signals = signals;
        _links = links;
        _data = data;
        _textLexicons = textLexicons;
    }

    public static HitQuestions Of(IEnumerable<Bound> observations)
    {
        var signals = new List<int>();
        var links = new List<int>();
        var data = new List<(int, TypeKind)>();
        var textLexicons = new List<int>();
        void Walk(Bound bound)
        {
            switch (bound)
            {
                case BoundSignal signal:
                    signals.Add(signal.Slot);
                    break;
                case BoundLinked linked:
                    links.Add(linked.Slot);
                    break;
                case BoundEventData field:
                    data.Add((field.Slot, field.Type.Kind));
                    break;
                case BoundMatch { Text: BoundInputField { Field: InputField.Text }, Matcher: BoundLexicon lexicon }:
                    textLexicons.Add(lexicon.Lexicon);
                    break;
                case BoundMatch match:
                    Walk(match.Text);
                    break;
                case BoundNot not:
                    Walk(not.Operand);
                    break;
                case BoundNegate negate:
                    Walk(negate.Operand);
                    break;
                case BoundBinary binary:
                    Walk(binary.Left);
                    Walk(binary.Right);
                    break;
                case BoundIn @in:
                    Walk(@in.Item);
                    Walk(@in.Container);
                    break;
                case BoundList list:
                    foreach (var item in list.Items)
                    {
                        Walk(item);
                    }

                    break;
            }
        }

        foreach (var observation in observations)
        {
            Walk(observation);
        }

        return signals.Count + links.Count + data.Count + textLexicons.Count == 0
            ? None
            : new([.. signals.Distinct()], [.. links.Distinct()], [.. data.Distinct()], [.. textLexicons.Distinct()]);
    }

    /// <summary>Asks the frame each question it has not asked yet; the ones the condition asked cost an array read.</summary>
    public void Ask(TriageFrame frame)
    {
        foreach (var slot in _signals)
        {
            frame.Signal(slot);
        }

        foreach (var slot in _links)
        {
            frame.Link(slot);
        }

        foreach (var (slot, kind) in _data)
        {
            _ = kind switch
            {
                TypeKind.Number => frame.DataNumber(slot),
                TypeKind.String => frame.DataString(slot) is null ? 0 : 1,
                _ => frame.DataBool(slot) ? 1 : 0,
            };
        }

        foreach (var lexicon in _textLexicons)
        {
            frame.TextMatches(lexicon);
        }
    }
}

/// <summary>What an active rule's hit does to the outcome, merged from its actions when the rule is compiled.</summary>
internal sealed class RuleEffect
{
    public RuleEffect(string rule, Severity? severity, int order, IReadOnlyList<RuleAction> actions)
    {
        // Category and queue come from the most urgent rule that sets them; rules without a severity rank last, ties
        // go to the rule first in the pack. Within a rule the first category (queue) counts.
        Rank = ((int?)severity ?? 5) * 1_000_000 + order;
        Category = actions.OfType<CategoryAction>().FirstOrDefault()?.Code;
        Queue = actions.OfType<QueueAction>().FirstOrDefault()?.Queue;
        Tags = [.. actions.OfType<TagAction>().Select(t => t.Tag).Distinct(StringComparer.Ordinal)];
        Flags = actions.OfType<FlagAction>().Aggregate(TriageFlags.None, (flags, flag) => flags | flag.Flag);
        Notes = [.. actions.OfType<NoteAction>().Select(n => new RuleNote(rule, n.Note))];
        Proposals = [.. actions.OfType<ProposeAction>()];
    }

    public int Rank { get; }
    public string? Category { get; }
    public string? Queue { get; }
    public string[] Tags { get; }
    public TriageFlags Flags { get; }
    public RuleNote[] Notes { get; }

    /// <summary>Proposals name their target subject, which is the item's: resolved at the hit.</summary>
    public ProposeAction[] Proposals { get; }
}

/// <summary>
/// Compiled rules, indexed by trigger. Thread-safe: evaluation keeps its state in a frame of its own. Build one with
/// <see cref="RuleCompiler"/>; rebuild it when rules change, off the request path when the pack is large: compiling
/// costs a few milliseconds a rule (<c>Expression.Compile</c>), more while the process is cold.
/// </summary>
public sealed class CompiledRulePack
{
    private readonly Dictionary<string, CompiledRule[]> _byTrigger;
    private readonly List<CompiledRule> _rules;

    internal CompiledRulePack(TriageVocabulary vocabulary, SlotTable slots, List<CompiledRule> rules)
    {
        RoleNames = vocabulary.Roles;
        RoleIndex = new(StringComparer.Ordinal);
        for (var i = 0; i < RoleNames.Count; i++)
        {
            RoleIndex.TryAdd(RoleNames[i], i);
        }

        Lexicons = vocabulary.Lexicons;
        Classifier = vocabulary.Classifier;
        ShadowClassifier = vocabulary.ShadowClassifier;
        Slots = slots;
        _rules = rules;
        _byTrigger = rules
            .Where(r => r.Definition.State != RuleState.Draft)
            .SelectMany(r => r.Definition.Triggers.Select(t => t.Trigger).Distinct().Select(t => (Trigger: t, Rule: r)))
            .GroupBy(x => x.Trigger, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Rule).OrderBy(r => r.Order).ToArray(), StringComparer.Ordinal);
    }

    internal IReadOnlyList<string> RoleNames { get; }

    internal Dictionary<string, int> RoleIndex { get; }

    internal LexiconCatalog Lexicons { get; }

    /// <summary>The model in force, when the pack was compiled with one.</summary>
    public TriageModel? Classifier { get; }

    public TriageModel? ShadowClassifier { get; }

    /// <summary>The model's suggestion for the user's own words, for callers that classify off the writer's thread.</summary>
    public TriageSuggestion? Suggest(string ownText) => Classifier?.Classify(ownText);

    internal SlotTable Slots { get; }

    public IReadOnlyList<RuleSummary> Rules => _rules
        .Select(r => new RuleSummary(r.Definition.Name, r.Definition.Version, r.Definition.State, r.Definition.Triggers.Select(t => t.Trigger).ToList(), r.Definition.Description, r.Definition.Source))
        .ToList();

    /// <summary>How many shadow or active rules run on a trigger.</summary>
    public int RuleCount(string trigger) => _byTrigger.TryGetValue(trigger, out var rules) ? rules.Length : 0;

    /// <summary>
    /// Runs every shadow and active rule of the item's trigger. A rule runs only when the item has every role it reads
    /// (a rule about <c>seller</c> does not run on an event without a seller). Exceptions from the context propagate.
    /// </summary>
    public TriageOutcome Evaluate(TriageInput input, ITriageContext context)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        if (!_byTrigger.TryGetValue(input.Trigger, out var rules))
        {
            if (Classifier is null || input.Text.Length == 0)
            {
                return TriageOutcome.Nothing;
            }

            rules = [];
        }

        var frame = new TriageFrame(this, input, context);
        var fired = ArrayPool<CompiledRule>.Shared.Rent(rules.Length);
        var count = 0;
        try
        {
            foreach (var rule in rules)
            {
                if ((rule.RequiredRoles & ~frame.PresentRoles) != 0 || !rule.Condition(frame))
                {
                    continue;
                }

                rule.Questions.Ask(frame);
                fired[count++] = rule;
            }

            frame.EndEvaluation();
            var outcome = count == 0 ? TriageOutcome.Nothing : Merge(fired.AsSpan(0, count), frame);
            return WithModel(outcome, frame);
        }
        finally
        {
            Array.Clear(fired, 0, count);
            ArrayPool<CompiledRule>.Shared.Return(fired);
        }
    }

    private static TriageOutcome Merge(ReadOnlySpan<CompiledRule> fired, TriageFrame frame)
    {
        Severity? severity = null;
        (string? Value, int Rank) category = (null, int.MaxValue);
        (string? Value, int Rank) queue = (null, int.MaxValue);
        List<string>? tags = null;
        List<EnforcementProposal>? proposals = null;
        List<RuleNote>? notes = null;
        var flags = TriageFlags.None;
        var hits = new RuleHit[fired.Length];
        for (var h = 0; h < fired.Length; h++)
        {
            var rule = fired[h];
            hits[h] = rule.Hit(frame);
            if (rule.Definition.State != RuleState.Active)
            {
                continue;
            }

            if (rule.Severity < severity || severity is null)
            {
                severity = rule.Severity ?? severity;
            }

            var effect = rule.Effect;
            if (effect.Category is not null && effect.Rank < category.Rank)
            {
                category = (effect.Category, effect.Rank);
            }

            if (effect.Queue is not null && effect.Rank < queue.Rank)
            {
                queue = (effect.Queue, effect.Rank);
            }

            foreach (var tag in effect.Tags)
            {
                if (!(tags ??= []).Contains(tag))
                {
                    tags.Add(tag);
                }
            }

            flags |= effect.Flags;
            if (effect.Notes.Length > 0)
            {
                (notes ??= []).AddRange(effect.Notes);
            }

            foreach (var propose in effect.Proposals)
            {
                var target = frame.Role(propose.TargetRole).Handle;
                if (!Proposed(proposals, propose, target))
                {
                    (proposals ??= []).Add(new EnforcementProposal(propose.Action, target, propose.Policy, propose.Automatic, rule.Definition.Name));
                }
            }
        }

        return new TriageOutcome(severity, category.Value, queue.Value, tags ?? (IReadOnlyList<string>)[], flags, proposals ?? (IReadOnlyList<EnforcementProposal>)[], notes ?? (IReadOnlyList<RuleNote>)[], hits);
    }

    /// <summary>The classifier's part, for texts (reports and messages) that an agent did not write.</summary>
    private TriageOutcome WithModel(TriageOutcome outcome, TriageFrame frame)
    {
        var input = frame.Input;
        if (Classifier is null || input.Text.Length == 0 || input.Trigger is not (TriageInput.ReportReceived or TriageInput.MessageReceived)
            || frame.Suggestion.ModelVersion == 0)
        {
            return outcome;
        }

        var rulesOnly = outcome;
        outcome = ModelVerdict.Apply(rulesOnly, frame.Suggestion, Classifier, RuleState.Active, input.Category);
        if (ShadowClassifier is not { } shadow)
        {
            return outcome;
        }

        // The shadow model is asked what it would have done in the active model's place — on the rules' outcome, not on
        // one the active model already filed (it would then find nothing left to do and leave no record to compare).
        var shadowed = ModelVerdict.Apply(rulesOnly, shadow.Classify(input.ScanText), shadow, RuleState.Shadow, input.Category);
        return shadowed.Hits.Count > rulesOnly.Hits.Count ? outcome with { Hits = [.. outcome.Hits, shadowed.Hits[^1]] } : outcome;
    }

    /// <summary>The same action about the same subject under the same policy is proposed once, by the first rule.</summary>
    private static bool Proposed(List<EnforcementProposal>? proposals, ProposeAction propose, SubjectHandle target)
    {
        if (proposals is null)
        {
            return false;
        }

        foreach (var p in proposals)
        {
            if (p.Action == propose.Action && p.Target == target && p.Policy == propose.Policy)
            {
                return true;
            }
        }

        return false;
    }
}

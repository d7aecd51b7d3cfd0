using System.Globalization;
using TrustDesk.Cases;
using TrustDesk.Triage.Language;
using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Triage;

/// <summary>A rule of a compiled pack, as the API and the console list it.</summary>
public sealed record RuleSummary(string Name, int Version, RuleState State, IReadOnlyList<string> Triggers, string? Description, string? Source);

/// <summary>A rule ready to run: its condition and observations are compiled delegates.</summary>
internal sealed class CompiledRule
{
    public required RuleDefinition Definition { get; init; }
    public required int Order { get; init; }
    public required Func<TriageFrame, bool> Condition { get; init; }
    /// <summary>Compiled when the rule first fires: most rules fire rarely, and compiling is the slow part of loading a pack.</summary>
    public required Lazy<Func<TriageFrame, object?[]>> Observe { get; init; }
    public required IReadOnlyList<(string Label, Bound Bound)> Observations { get; init; }
    public required ulong RequiredRoles { get; init; }
    public required IReadOnlyList<RuleAction> Actions { get; init; }

    public required Severity? Severity { get; init; }
    public required IReadOnlyList<string> ActionTexts { get; init; }

    /// <summary>The hit: raw observation values now (cheap reads of what the condition already asked), text when read.</summary>
    public RuleHit Hit(TriageFrame frame) =>
        new(Definition.Name, Definition.Version, Definition.State, new HitValues(Observations, Observe.Value(frame)), ActionTexts);

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
internal sealed class HitValues(IReadOnlyList<(string Label, Bound Bound)> observations, object?[] raw) : IReadOnlyList<HitValue>
{
    private HitValue[]? _values;

    public int Count => raw.Length;

    public HitValue this[int index] => Values[index];

    private HitValue[] Values => _values ??= raw.Select((value, i) => new HitValue(observations[i].Label, CompiledRule.Format(observations[i].Bound, value))).ToArray();

    public IEnumerator<HitValue> GetEnumerator() => ((IEnumerable<HitValue>)Values).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
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
        Lexicons = vocabulary.Lexicons;
        Slots = slots;
        _rules = rules;
        _byTrigger = rules
            .Where(r => r.Definition.State != RuleState.Draft)
            .SelectMany(r => r.Definition.Triggers.Select(t => t.Trigger).Distinct().Select(t => (Trigger: t, Rule: r)))
            .GroupBy(x => x.Trigger, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Rule).OrderBy(r => r.Order).ToArray(), StringComparer.Ordinal);
    }

    internal IReadOnlyList<string> RoleNames { get; }

    internal LexiconCatalog Lexicons { get; }

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
            return TriageOutcome.Nothing;
        }

        var frame = new TriageFrame(this, input, context);
        List<(CompiledRule Rule, RuleHit Hit)>? hits = null;
        foreach (var rule in rules)
        {
            if ((rule.RequiredRoles & ~frame.PresentRoles) != 0 || !rule.Condition(frame))
            {
                continue;
            }

            (hits ??= []).Add((rule, rule.Hit(frame)));
        }

        return hits is null ? TriageOutcome.Nothing : Merge(hits, frame);
    }

    private static TriageOutcome Merge(List<(CompiledRule Rule, RuleHit Hit)> hits, TriageFrame frame)
    {
        Severity? severity = null;
        (string? Value, int Rank) category = (null, int.MaxValue);
        (string? Value, int Rank) queue = (null, int.MaxValue);
        var tags = new List<string>();
        var proposals = new List<EnforcementProposal>();
        var notes = new List<RuleNote>();
        var flags = TriageFlags.None;
        var all = new RuleHit[hits.Count];
        for (var h = 0; h < hits.Count; h++)
        {
            var (rule, hit) = hits[h];
            all[h] = hit;
            if (rule.Definition.State != RuleState.Active)
            {
                continue;
            }

            if (rule.Severity < severity || severity is null)
            {
                severity = rule.Severity ?? severity;
            }

            // Category and queue come from the most urgent rule that sets them; rules without a severity rank last,
            // ties go to the rule first in the pack.
            var rank = ((int?)rule.Severity ?? 5) * 1_000_000 + rule.Order;
            foreach (var action in rule.Actions)
            {
                switch (action)
                {
                    case CategoryAction set when rank < category.Rank:
                        category = (set.Code, rank);
                        break;
                    case QueueAction set when rank < queue.Rank:
                        queue = (set.Queue, rank);
                        break;
                    case TagAction tag when !tags.Contains(tag.Tag):
                        tags.Add(tag.Tag);
                        break;
                    case FlagAction flag:
                        flags |= flag.Flag;
                        break;
                    case NoteAction note:
                        notes.Add(new RuleNote(rule.Definition.Name, note.Note));
                        break;
                    case ProposeAction propose:
                        var proposal = new EnforcementProposal(propose.Action, frame.Role(propose.TargetRole).Handle, propose.Policy, propose.Automatic, rule.Definition.Name);
                        if (!proposals.Exists(p => p.Action == proposal.Action && p.Target == proposal.Target && p.Policy == proposal.Policy))
                        {
                            proposals.Add(proposal);
                        }

                        break;
                }
            }
        }

        return new TriageOutcome(severity, category.Value, queue.Value, tags, flags, proposals, notes, all);
    }
}

using TrustDesk.Taxonomy;

namespace TrustDesk.Triage;

/// <summary>Case flags a rule can raise.</summary>
[Flags]
public enum TriageFlags
{
    None = 0,
    LiveNow = 1,
    Graphic = 2,
    Minor = 4,
}

/// <summary>
/// What triage decided for one item. Only active rules shape it; shadow rules appear in <see cref="Hits"/> alone.
/// Severity is the most urgent any hit set; category and queue come from the hit with the most urgent severity that
/// set one (a hit without a severity ranks last; ties go to the rule first in the pack). Null means no rule said:
/// intake falls back to the category's defaults.
/// </summary>
public sealed record TriageOutcome(
    Severity? Severity,
    string? Category,
    string? Queue,
    IReadOnlyList<string> Tags,
    TriageFlags Flags,
    IReadOnlyList<EnforcementProposal> Proposals,
    IReadOnlyList<RuleNote> Notes,
    IReadOnlyList<RuleHit> Hits)
{
    public static TriageOutcome Nothing { get; } = new(null, null, null, [], TriageFlags.None, [], [], []);

    /// <summary>What the classifier suggested for the text (null for events, agents' words, or without a model).</summary>
    public Classifier.TriageSuggestion? Suggested { get; init; }

    /// <summary>The text's language (ISO 639-1), when the classifier could tell.</summary>
    public string? Language => Suggested?.Language;

    /// <summary>Hits of active rules: the ones that changed the outcome.</summary>
    public IEnumerable<RuleHit> ActiveHits => Hits.Where(h => h.State == RuleState.Active);
}

/// <summary>An enforcement action a rule proposes for people to decide (or, for an automatic warning, to send).</summary>
/// <param name="Action">warn, restrict, remove_listing, end_stream, hold_payout, suspend, revoke_selling, ban, refund, cancel_order.</param>
/// <param name="Target">The subject the action is about (the rule's <c>target=</c> role, by default <c>subject</c>).</param>
/// <param name="Policy">The policy code the action enforces, when the rule names one.</param>
/// <param name="Automatic">The rule asks for it to be carried out without a person (only warnings may be).</param>
/// <param name="Rule">The rule that proposed it.</param>
public sealed record EnforcementProposal(string Action, SubjectHandle Target, string? Policy, bool Automatic, string Rule);

/// <summary>A note a rule leaves on the case.</summary>
public sealed record RuleNote(string Rule, string Text);

/// <summary>One value that made a rule fire, as the rule wrote it and as it was: <c>count("report", subject, 10m)</c> = <c>6</c>.</summary>
public sealed record HitValue(string Expression, string Value)
{
    public override string ToString() => $"{Expression} = {Value}";
}

/// <summary>A rule that fired on an item: which one, which version, in which state, why, and what it did (or, in shadow, would have done).</summary>
public sealed record RuleHit(string Rule, int Version, RuleState State, IReadOnlyList<HitValue> Values, IReadOnlyList<string> Actions)
{
    /// <summary>A shadow hit records what the rule would have done and changed nothing.</summary>
    public bool Shadow => State == RuleState.Shadow;
}

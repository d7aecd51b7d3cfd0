using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Queues;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;

namespace TrustDesk.Intake;

/// <summary>
/// Runs the rules on an item in the intake writer and applies what the active ones decided to its case, in the same
/// transaction as the item: severity only ever goes up, tags and flags are added, notes become internal messages,
/// proposals wait for people. Every hit, shadow ones included, is recorded with the values that made it fire.
/// The parts that write take the DbContext, catalog and clock rather than the batch, so the email channel (which
/// processes in batches of its own, off the intake writer) applies outcomes through the same code.
/// </summary>
public static class ApplyTriage
{
    public static readonly Actor RulesActor = new("rules", "triage", "Triage rules");

    // For the ops stack (/metrics): the time the rules take per item.
    private static readonly System.Diagnostics.Metrics.Meter Meter = new("TrustDesk.Triage");
    private static readonly System.Diagnostics.Metrics.Histogram<double> Durations =
        Meter.CreateHistogram<double>("trustdesk.triage.duration", "ms", "Time the triage rules take for one report or event");

    public static TriageOutcome Evaluate(IntakeBatch batch, TriageInput input)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = batch.Rules.Evaluate(input, new IntakeTriageContext(batch));
        Durations.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return outcome;
    }

    /// <summary>
    /// The category a new item files under: the reporter's, unless the rules found something more urgent than it
    /// (a "harassment" report with self-harm language is a self-harm case).
    /// </summary>
    public static string? Category(IntakeBatch batch, string? requested, TriageOutcome outcome)
    {
        if (outcome.Category is null || requested is null)
        {
            return requested ?? outcome.Category;
        }

        var requestedSeverity = batch.Catalog.Categories.GetValueOrDefault(requested)?.DefaultSeverity ?? Severity.S4;
        return outcome.Severity is { } severity && severity < requestedSeverity ? outcome.Category : requested;
    }

    /// <summary>The open case collecting items about (subject, category), or a new one with the category's defaults and the outcome's.</summary>
    public static (Case Case, bool Created) OpenOrJoin(IntakeBatch batch, Subject subject, string? category, TriageOutcome outcome, Channel channel, Actor actor)
    {
        if (batch.FindOpenCase(subject.Id, category) is { } existing)
        {
            return (existing, false);
        }

        var known = category is null ? null : batch.Catalog.Categories.GetValueOrDefault(category);
        var severity = Min(known?.DefaultSeverity ?? Severity.S3, outcome.Severity);
        var queueName = outcome.Queue ?? known?.DefaultQueue ?? DefaultQueues.Triage;
        var queue = batch.Catalog.QueuesByName.GetValueOrDefault(queueName) ?? batch.Catalog.QueuesByName[DefaultQueues.Triage];
        var title = $"{known?.Title ?? "Report"}: {subject.Kind.ToString().ToLowerInvariant()} {subject.DisplayName}";
        var @case = Case.OpenForReports(title, severity, category, queue, subject.Id, actor, batch.Now, channel);
        if (subject.IsLive)
        {
            @case.SetLiveNow(true, Actor.System, batch.Now);
        }

        batch.AddOpenCase(@case);
        return (@case, true);
    }

    /// <summary>Applies the active hits to the case and records every hit and proposal on it.</summary>
    public static void ApplyTo(IntakeBatch batch, Case @case, bool caseCreated, TriageOutcome outcome, string trigger, Guid? subjectId) =>
        ApplyTo(batch.Add, batch.Catalog, batch.Now, @case, caseCreated, outcome, trigger, subjectId);

    /// <inheritdoc cref="ApplyTo(IntakeBatch, Case, bool, TriageOutcome, string, Guid?)"/>
    public static void ApplyTo(
        TrustDeskDb db, CategoryCatalog.Snapshot catalog, DateTime now, Case @case, bool caseCreated, TriageOutcome outcome, string trigger, Guid? subjectId) =>
        ApplyTo(entity => db.Add(entity), catalog, now, @case, caseCreated, outcome, trigger, subjectId);

    // Rows go wherever the caller's batch keeps them (the intake batch writes them untracked on SQLite).
    private static void ApplyTo(
        Action<object> add, CategoryCatalog.Snapshot catalog, DateTime now, Case @case, bool caseCreated, TriageOutcome outcome, string trigger, Guid? subjectId)
    {
        var raised = false;
        if (outcome.Severity is { } severity && severity < @case.Severity)
        {
            var why = outcome.ActiveHits.FirstOrDefault(h => h.Actions.Contains($"severity {severity}"))?.Rule ?? outcome.ActiveHits.First().Rule;
            @case.ChangeSeverity(severity, RulesActor, now, $"rule: {why}");
            caseCreated = true;
            raised = true;
        }

        // A rule's queue applies to a new case, or when the rule made an existing one more urgent. An outcome that made
        // the case more urgent under a category without naming a queue (the classifier's crisis) takes the category's
        // queue, as a new report's case does.
        var queueName = outcome.Queue
            ?? (raised && outcome.Category is { } category && catalog.Categories.TryGetValue(category, out var known) ? known.DefaultQueue : null);
        if (caseCreated && queueName is not null && catalog.QueuesByName.TryGetValue(queueName, out var queue))
        {
            @case.MoveToQueue(queue, catalog.QueuesById.GetValueOrDefault(@case.QueueId)?.Name, RulesActor, now);
        }

        if (outcome.Tags.Count > 0)
        {
            @case.SetTags(@case.Tags.Concat(outcome.Tags).Take(Case.MaxTags), RulesActor, now);
        }

        if (outcome.Flags.HasFlag(TriageFlags.LiveNow))
        {
            @case.SetLiveNow(true, RulesActor, now);
        }

        if (outcome.Flags.HasFlag(TriageFlags.Graphic) || outcome.Flags.HasFlag(TriageFlags.Minor))
        {
            @case.RaiseFlags(outcome.Flags.HasFlag(TriageFlags.Graphic), outcome.Flags.HasFlag(TriageFlags.Minor), RulesActor, now);
        }

        foreach (var note in outcome.Notes)
        {
            @case.AddMessage(MessageDirection.Internal, Channel.System, note.Text, new Actor("rule", note.Rule, $"Rule: {note.Rule}"), now);
        }

        foreach (var proposal in outcome.Proposals)
        {
            var action = new ProposedAction(proposal.Action, proposal.Target.ToString(), proposal.Target.Id == Guid.Empty ? null : proposal.Target.Id,
                proposal.Policy, proposal.Automatic, proposal.Rule, now);
            action.AttachTo(@case);
            add(action);
        }

        Record(add, now, outcome, trigger, subjectId, @case);
    }

    /// <summary>Records the hits (on the case when there is one).</summary>
    public static void Record(IntakeBatch batch, TriageOutcome outcome, string trigger, Guid? subjectId, Case? @case) =>
        Record(batch.Add, batch.Now, outcome, trigger, subjectId, @case);

    private static void Record(Action<object> add, DateTime now, TriageOutcome outcome, string trigger, Guid? subjectId, Case? @case)
    {
        foreach (var hit in outcome.Hits)
        {
            var recorded = new RecordedRuleHit(hit.Rule, hit.Version, hit.Shadow, trigger, subjectId, hit.Values.Select(v => v.ToString()), hit.Actions, now);
            if (@case is not null)
            {
                recorded.AttachTo(@case);
            }

            add(recorded);
        }
    }

    /// <summary>True when an active rule asked for something a case must hold.</summary>
    public static bool NeedsCase(TriageOutcome outcome) =>
        outcome.ActiveHits.Any() && (outcome.Severity is not null || outcome.Category is not null || outcome.Queue is not null
            || outcome.Proposals.Count > 0 || outcome.Notes.Count > 0 || outcome.Tags.Count > 0);

    private static Severity Min(Severity a, Severity? b) => b is { } other && other < a ? other : a;
}

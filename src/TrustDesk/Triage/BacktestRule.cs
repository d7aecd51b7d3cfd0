using TrustDesk.Cases;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Subjects;
using TrustDesk.Api;

namespace TrustDesk.Triage;

/// <summary>Which rule to back-test, over which time range.</summary>
/// <param name="Name">A rule in force (from the packs or the API), by name.</param>
/// <param name="Text">Or a rule's text, tried before it is saved.</param>
/// <param name="From">Start of the range (UTC); default 30 days ago.</param>
/// <param name="To">End of the range (UTC); default now.</param>
public sealed record BacktestRequest(string? Name, string? Text, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>One item the rule fired on, and what the agents decided about its case.</summary>
public sealed record BacktestHit(string Item, DateTime At, IReadOnlyList<string> Values, long? CaseId, string? CaseNumber, string? Resolution);

/// <summary>
/// What a rule would have done: items evaluated, hits, and — over hits whose case agents have since decided — its
/// precision: decided as <c>actioned</c> / decided as <c>actioned</c> or <c>no_violation</c>.
/// </summary>
public sealed record BacktestResult(
    string Rule, DateTime From, DateTime To, int Evaluated, int Hits, int Decided, int Actioned, double? Precision, IReadOnlyList<BacktestHit> Items);

/// <summary>How far a back-test is: items evaluated of those loaded so far.</summary>
public readonly record struct BacktestProgress(int Done, int Total);

/// <summary>Runs a rule over stored reports and events in a time range, in the order they happened.</summary>
public sealed class BacktestRule(TrustDeskDb db, TriageEngine engine, TimeProvider time)
{
    public const int MaxItems = 100_000;
    public const int MaxListedHits = 500;
    private const int ProgressEvery = 250;
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    public abstract record Result;
    public sealed record Done(BacktestResult Backtest) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record NotFound : Result;

    /// <param name="progress">Told items done and items to do as the run goes (the console's progress bar).</param>
    public async Task<Result> HandleAsync(BacktestRequest request, CancellationToken cancellationToken, IProgress<BacktestProgress>? progress = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var to = request.To?.UtcDateTime ?? now;
        var from = request.From?.UtcDateTime ?? to.AddDays(-30);
        var errors = new ValidationErrors();
        if ((request.Name is null) == (request.Text is null))
        {
            errors.Add("name", "Give either name (a rule in force) or text (a rule to try).");
        }

        errors.MaxLength("text", request.Text, StoredRule.TextMaxLength);
        if (from >= to || to - from > MaxRange)
        {
            errors.Add("from", $"from must be before to, at most {MaxRange.TotalDays} days apart.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        RuleDefinition? definition;
        if (request.Text is not null)
        {
            var compiled = RuleCompiler.Compile(request.Text, "backtest");
            if (!compiled.Succeeded || compiled.Pack.Rules.Count != 1)
            {
                var messages = compiled.Diagnostics.Select(d => d.ToString()).DefaultIfEmpty("Exactly one rule, please.").ToArray();
                return new Invalid(new Dictionary<string, string[]> { ["text"] = messages });
            }

            definition = RulePackParser.Parse(request.Text, "backtest").Rules[0];
        }
        else
        {
            definition = (await engine.InForceAsync(db, cancellationToken, includeDrafts: true)).FirstOrDefault(r => r.Name == request.Name);
            if (definition is null)
            {
                return new NotFound();
            }
        }

        // Run as active, alone: a back-test asks what this rule would do, whatever its state.
        var pack = RuleCompiler.Compile([definition with { State = RuleState.Active }]).PackOrThrow();
        return new Done(await RunAsync(pack, definition, from, to, progress, cancellationToken));
    }

    private async Task<BacktestResult> RunAsync(CompiledRulePack pack, RuleDefinition definition, DateTime from, DateTime to,
        IProgress<BacktestProgress>? progress, CancellationToken cancellationToken)
    {
        var triggers = definition.Triggers.Select(t => t.Trigger).ToHashSet(StringComparer.Ordinal);
        var context = new HistoryTriageContext(db);
        var subjects = new Dictionary<Guid, Subject>();
        var hits = new List<(BacktestHit Hit, Guid SubjectId)>();
        var evaluated = 0;
        var total = 0;
        void Step()
        {
            if (progress is not null && (evaluated % ProgressEvery == 0 || evaluated == total))
            {
                progress.Report(new BacktestProgress(evaluated, total));
            }
        }

        async Task<Subject> SubjectAsync(Guid id) =>
            subjects.TryGetValue(id, out var s) ? s : subjects[id] = await db.Subjects.AsNoTracking().FirstAsync(x => x.Id == id, cancellationToken);

        if (triggers.Contains(TriageInput.ReportReceived))
        {
            var reports = await db.Reports.AsNoTracking().Where(r => r.CreatedAt >= from && r.CreatedAt < to)
                .OrderBy(r => r.CreatedAt).Take(MaxItems).ToListAsync(cancellationToken);
            total += reports.Count;
            foreach (var report in reports)
            {
                context.At = report.CreatedAt;
                var subject = context.Facts(await SubjectAsync(report.SubjectId));
                var reporter = report.ReporterSubjectId is { } reporterId ? context.Facts(await SubjectAsync(reporterId)) : null;
                var outcome = pack.Evaluate(TriageInput.ForReport(report.CreatedAt, subject, reporter, report.Text, report.Category, report.ReasonCode), context);
                evaluated++;
                Step();
                if (outcome.Hits.Count > 0)
                {
                    hits.Add((new BacktestHit($"report {report.Id}", report.CreatedAt, outcome.Hits[0].Values.Select(v => v.ToString()).ToList(), report.CaseId, null, null), report.SubjectId));
                }
            }
        }

        var eventTypes = triggers.Where(t => t.StartsWith(TriageInput.EventPrefix, StringComparison.Ordinal)).Select(t => t[TriageInput.EventPrefix.Length..]).ToList();
        if (eventTypes.Count > 0)
        {
            var events = await db.Events.AsNoTracking().Include(e => e.Subjects)
                .Where(e => eventTypes.Contains(e.Type) && e.OccurredAt >= from && e.OccurredAt < to)
                .OrderBy(e => e.OccurredAt).Take(MaxItems).ToListAsync(cancellationToken);
            total += events.Count;
            foreach (var platformEvent in events)
            {
                context.At = platformEvent.OccurredAt;
                var roles = new List<KeyValuePair<string, SubjectFacts>>();
                foreach (var involved in platformEvent.Subjects)
                {
                    roles.Add(new(involved.Role, context.Facts(await SubjectAsync(involved.SubjectId))));
                }

                var data = platformEvent.DataJson is null ? (System.Text.Json.JsonElement?)null : System.Text.Json.JsonDocument.Parse(platformEvent.DataJson).RootElement;
                var input = TriageInput.ForEvent(new DateTimeOffset(platformEvent.OccurredAt, TimeSpan.Zero), platformEvent.Type, roles, data);
                var outcome = pack.Evaluate(input, context);
                evaluated++;
                Step();
                if (outcome.Hits.Count > 0)
                {
                    var target = outcome.Proposals.Count > 0 ? outcome.Proposals[0].Target.Id : input.Roles["subject"].Handle.Id;
                    hits.Add((new BacktestHit($"event {platformEvent.ExternalId} ({platformEvent.Type})", platformEvent.OccurredAt,
                        outcome.Hits[0].Values.Select(v => v.ToString()).ToList(), null, null, null), target));
                }
            }
        }

        // The agents' decisions: the report's own case, or for an event the decided case about its target (in the rule's category).
        var category = CategoryOf(definition);
        var reportCaseIds = hits.Where(h => h.Hit.CaseId is not null).Select(h => h.Hit.CaseId!.Value).Distinct().ToList();
        var cases = await db.Cases.AsNoTracking().Where(c => reportCaseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var targets = hits.Where(h => h.Hit.CaseId is null).Select(h => h.SubjectId).Distinct().ToList();
        var byTarget = (await db.Cases.AsNoTracking()
                .Where(c => c.PrimarySubjectId != null && targets.Contains(c.PrimarySubjectId.Value) && c.Resolution != null && (category == null || c.Category == category))
                .ToListAsync(cancellationToken))
            .GroupBy(c => c.PrimarySubjectId!.Value).ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.SolvedAt).First());

        var items = new List<BacktestHit>(hits.Count);
        foreach (var (hit, subjectId) in hits)
        {
            var @case = hit.CaseId is { } caseId ? cases.GetValueOrDefault(caseId) : byTarget.GetValueOrDefault(subjectId);
            items.Add(hit with { CaseId = @case?.Id, CaseNumber = @case?.Number, Resolution = @case?.Resolution });
        }

        var decided = items.Count(i => i.Resolution is "actioned" or "no_violation");
        var actioned = items.Count(i => i.Resolution == "actioned");
        return new BacktestResult(definition.Name, from, to, evaluated, items.Count, decided, actioned,
            decided == 0 ? null : Math.Round(actioned / (double)decided, 4), items.Take(MaxListedHits).ToList());
    }

    private static string? CategoryOf(RuleDefinition definition) =>
        definition.Then.Select(t => t.Text.Trim()).FirstOrDefault(t => t.StartsWith("category ", StringComparison.Ordinal))?["category ".Length..].Trim();
}

using TrustDesk.Triage;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Api;

namespace TrustDesk.Intake;

/// <summary>A user's report about a subject.</summary>
/// <param name="Subject">What is reported. Created on the fly when the platform has not sent it yet.</param>
/// <param name="Reporter">Who reports (an account), when known.</param>
/// <param name="Category">A taxonomy code; when absent, triage decides.</param>
/// <param name="Reason">The platform's own reason code, kept as sent.</param>
/// <param name="Text">What the user wrote.</param>
/// <param name="Evidence">Links to evidence (screenshots, clips).</param>
/// <param name="ExternalId">The platform's id of the report.</param>
public sealed record SubmitReportRequest(
    SubjectRef? Subject,
    SubjectRef? Reporter,
    string? Category,
    string? Reason,
    string? Text,
    IReadOnlyList<string>? Evidence,
    string? ExternalId);

/// <summary>The answer to a report: which case it landed in.</summary>
public sealed record SubmitReportResponse(
    Guid ReportId,
    long CaseId,
    string CaseNumber,
    bool CaseCreated,
    int ReportCount,
    string Status,
    Severity Severity,
    string? Category,
    string Queue);

/// <summary>
/// Takes in a report: it joins the open case for the same subject and category (report count goes up), or opens a new
/// case with the category's default severity and queue.
/// </summary>
public sealed class SubmitReport(TrustDeskDb db, IntakeWriter writer, CategoryCatalog catalog, Triage.TriageEngine triage)
{
    public const string Operation = "reports.submit";

    /// <summary>The signal every report counts on its subject: <c>count("report", subject, 10m)</c>.</summary>
    public static readonly string ReportSignal = Signals.SignalResolutions.Name("report", "reported");

    /// <summary>The signal every report counts on its reporter: <c>count("report", reporter, 1h)</c> finds report floods.</summary>
    public static readonly string ReporterSignal = Signals.SignalResolutions.Name("report", "reporter");
    public const int MaxEvidence = 20;
    public const int EvidenceUrlMaxLength = 2_000;

    public abstract record Result;
    public sealed record Accepted(SubmitReportResponse Response, bool Replayed) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record IdempotencyMismatch : Result;

    public async Task<Result> HandleAsync(SubmitReportRequest request, ClaimsPrincipal caller, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var errors = Validate(request, snapshot);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var clientId = caller.ClientId();
        // Hashing serialises the whole body again: only worth it when there is a key to remember it by.
        var requestHash = idempotencyKey is null ? "" : Idempotency.HashRequest(Operation, request);
        var (check, resourceId) = await Idempotency.CheckAsync(db, clientId, idempotencyKey, requestHash, cancellationToken);
        if (check == Idempotency.Check.Mismatch)
        {
            return new IdempotencyMismatch();
        }

        if (check == Idempotency.Check.Replay)
        {
            return new Accepted(await LoadResponseAsync(Guid.Parse(resourceId!), snapshot, cancellationToken), Replayed: true);
        }

        // The lexicons are scanned here, on the request's thread, so the single writer only runs the rules.
        var rules = await triage.GetAsync(cancellationToken);
        // So is the classifier: the writer only reads its suggestion. Both read the user's own words.
        var ownText = Triage.Classifier.OwnWords.ForMatching(request.Text!.Trim());
        var scan = rules.Lexicons.Scan(ownText);
        var work = new ReportWork(request, caller.ToActor(), clientId, idempotencyKey, requestHash, scan, rules.Suggest(ownText));
        var outcome = await writer.SubmitAsync(work, cancellationToken);
        return outcome switch
        {
            ReportWork.Created created => new Accepted(ToResponse(created.ReportId, created.Case, created.CaseCreated, snapshot), Replayed: false),
            ReportWork.Replayed replayed => new Accepted(await LoadResponseAsync(replayed.ReportId, snapshot, cancellationToken), Replayed: true),
            _ => new IdempotencyMismatch(),
        };
    }

    public static ValidationErrors Validate(SubmitReportRequest request, CategoryCatalog.Snapshot catalog)
    {
        var errors = new ValidationErrors();
        SubjectRef.Validate(errors, "subject", request.Subject, required: true);
        SubjectRef.Validate(errors, "reporter", request.Reporter, required: false);
        if (request.Category is not null && !catalog.Categories.ContainsKey(request.Category))
        {
            errors.Add("category", $"Unknown category '{Truncate(request.Category)}'. See GET /api/v1/categories.");
        }

        errors.MaxLength("reason", request.Reason, Report.ReasonMaxLength);
        errors.Required("text", request.Text, Report.TextMaxLength);
        errors.MaxLength("externalId", request.ExternalId, Subject.ExternalIdMaxLength);
        if (request.Evidence is { } evidence)
        {
            errors.Count("evidence", evidence, 0, MaxEvidence);
            for (var i = 0; i < evidence.Count && i < MaxEvidence; i++)
            {
                if (!Uri.TryCreate(evidence[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || evidence[i].Length > EvidenceUrlMaxLength)
                {
                    errors.Add($"evidence[{i}]", $"An http(s) URL of at most {EvidenceUrlMaxLength} characters.");
                }
            }
        }

        return errors;
    }

    private async Task<SubmitReportResponse> LoadResponseAsync(Guid reportId, CategoryCatalog.Snapshot snapshot, CancellationToken cancellationToken)
    {
        var report = await db.Reports.AsNoTracking().Include(r => r.Case).FirstAsync(r => r.Id == reportId, cancellationToken);
        return ToResponse(report.Id, report.Case!, caseCreated: false, snapshot);
    }

    private static SubmitReportResponse ToResponse(Guid reportId, Case @case, bool caseCreated, CategoryCatalog.Snapshot snapshot) =>
        new(reportId, @case.Id, @case.Number, caseCreated, @case.ReportCount, CaseStatusRules.ToCode(@case.Status), @case.Severity,
            @case.Category, snapshot.QueuesById.TryGetValue(@case.QueueId, out var queue) ? queue.Name : "");

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>The part of a report the intake writer commits.</summary>
    private sealed class ReportWork(
        SubmitReportRequest request, Actor actor, string clientId, string? idempotencyKey, string requestHash, Triage.Lexicons.TextScan scan,
        Triage.Classifier.TriageSuggestion? suggestion)
        : IntakeWork<ReportWork.ReportOutcome>
    {
        private ReportOutcome? _outcome;

        public abstract record ReportOutcome;
        public sealed record Created(Guid ReportId, Case Case, bool CaseCreated) : ReportOutcome;
        public sealed record Replayed(Guid ReportId) : ReportOutcome;
        public sealed record Mismatch : ReportOutcome;

        internal override void Collect(IntakeBatch.Needs needs)
        {
            needs.OpenCase(request.Subject!.Kind!.Value, request.Subject.ExternalId!, request.Category);
            if (request.Reporter is { Kind: { } kind, ExternalId: { } externalId })
            {
                needs.Subject(kind, externalId);
            }

            if (idempotencyKey is not null)
            {
                needs.Idempotency(clientId, idempotencyKey);
            }
        }

        internal override void Apply(IntakeBatch batch)
        {
            if (idempotencyKey is not null && batch.FindIdempotency(clientId, idempotencyKey) is { } earlier)
            {
                // The same key arrived twice at once and the other one got here first.
                _outcome = Idempotency.Compare(earlier, requestHash).Check == Idempotency.Check.Replay
                    ? new Replayed(Guid.Parse(earlier.ResourceId))
                    : new Mismatch();
                return;
            }

            var now = batch.Now;
            var subject = batch.GetOrCreateSubject(request.Subject!.Kind!.Value, request.Subject.ExternalId!);
            var reporter = request.Reporter is { Kind: { } kind, ExternalId: { } externalId } ? batch.GetOrCreateSubject(kind, externalId) : null;
            var text = request.Text!.Trim();

            // Counted before the rules run, so "the fifth report in ten minutes" includes this one.
            batch.Signals.Increment(subject.Id, ReportSignal, now);
            if (reporter is not null)
            {
                batch.Signals.Increment(reporter.Id, ReporterSignal, now);
            }

            var outcome = ApplyTriage.Evaluate(batch, Triage.TriageInput.ForReport(
                now, TriageFacts.Of(subject), reporter is null ? null : TriageFacts.Of(reporter), text, request.Category, request.Reason, scan, suggestion));
            var category = ApplyTriage.Category(batch, request.Category, outcome);
            var (@case, caseCreated) = ApplyTriage.OpenOrJoin(batch, subject, category, outcome, Channel.Report, actor);

            var author = reporter is null ? new Actor("reporter", "anonymous", "Anonymous reporter") : new Actor("account", reporter.ExternalId, reporter.DisplayName);
            @case.AddReport(text, reporter?.Id, author, now);
            ApplyTriage.ApplyTo(batch, @case, caseCreated, outcome, Triage.TriageInput.ReportReceived, subject.Id);

            var report = new Report(Guid.CreateVersion7(now), @case.Id, subject.Id, reporter?.Id, request.Category, request.Reason,
                text, request.Evidence is { Count: > 0 } evidence ? JsonSerializer.Serialize(evidence) : null, request.ExternalId, now);
            report.AttachTo(@case);
            batch.Add(report);

            if (idempotencyKey is not null)
            {
                batch.AddIdempotency(new IdempotencyRecord(clientId, idempotencyKey, requestHash, Operation, report.Id.ToString(), now));
            }

            _outcome = new Created(report.Id, @case, caseCreated);
        }

        protected override ReportOutcome BuildOutcome() => _outcome ?? throw new InvalidOperationException("Committed before applied.");
    }
}

using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Contacts;
using TrustDesk.Data;
using TrustDesk.Queues;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Api;

namespace TrustDesk.Cases;

/// <summary>The person a case is for.</summary>
public sealed record RequesterRequest(string? Email, string? Name);

/// <summary>A subject the case is about, with its role.</summary>
public sealed record CaseSubjectRequest(SubjectKind? Kind, string? ExternalId, SubjectRole? Role);

/// <summary>A case opened by hand or by an integration (reports open cases by themselves).</summary>
/// <param name="Title">What the problem is, in one line.</param>
/// <param name="Severity">S1–S4; the category's default when absent.</param>
/// <param name="Category">A taxonomy code.</param>
/// <param name="Queue">A queue name; the category's queue when absent.</param>
/// <param name="Text">The first message: what the requester wrote, or a note.</param>
public sealed record CreateCaseRequest(
    string? Title,
    Severity? Severity,
    string? Category,
    string? Queue,
    string? Assignee,
    IReadOnlyList<string>? Tags,
    RequesterRequest? Requester,
    IReadOnlyList<CaseSubjectRequest>? Subjects,
    string? Text);

/// <summary>Opens a case.</summary>
public sealed class CreateCase(TrustDeskDb db, CategoryCatalog catalog, TimeProvider time, GetCase getCase)
{
    public const string Operation = "cases.create";
    public const int MaxSubjects = 50;

    public abstract record Result;
    public sealed record Created(CaseDetail Case, bool Replayed) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record IdempotencyMismatch : Result;

    public async Task<Result> HandleAsync(CreateCaseRequest request, ClaimsPrincipal caller, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var errors = Validate(request, snapshot);
        string? assignee = null;
        if (!string.IsNullOrWhiteSpace(request.Assignee) && request.Assignee.Length <= 200)
        {
            assignee = await CaseAssignees.FindAsync(db, request.Assignee, cancellationToken);
            if (assignee is null)
            {
                errors.Add("assignee", CaseAssignees.NotAUser);
            }
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var clientId = caller.ClientId();
        var requestHash = Idempotency.HashRequest(Operation, request);
        var (check, resourceId) = await Idempotency.CheckAsync(db, clientId, idempotencyKey, requestHash, cancellationToken);
        if (check == Idempotency.Check.Mismatch)
        {
            return new IdempotencyMismatch();
        }

        if (check == Idempotency.Check.Replay)
        {
            return new Created((await getCase.LoadAsync(long.Parse(resourceId!), caller, cancellationToken))!, Replayed: true);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var actor = caller.ToActor();
        var category = request.Category is null ? null : snapshot.Categories[request.Category];
        var queue = snapshot.QueuesByName[request.Queue ?? category?.DefaultQueue ?? DefaultQueues.Triage];

        Contact? requester = null;
        if (request.Requester is { } r && (r.Email is not null || r.Name is not null))
        {
            var email = r.Email?.Trim().ToLowerInvariant();
            requester = email is null ? null : await db.Contacts.FirstOrDefaultAsync(c => c.Email == email, cancellationToken);
            if (requester is null)
            {
                requester = new Contact(email, r.Name, null, null, now);
                db.Contacts.Add(requester);
            }
        }

        var @case = Case.Open(request.Title!, request.Severity ?? category?.DefaultSeverity ?? Severity.S3, request.Category, queue,
            Channel.Api, requester?.Id, actor, now);
        db.Cases.Add(@case);

        foreach (var subjectRequest in request.Subjects ?? [])
        {
            var kind = subjectRequest.Kind!.Value;
            var subject = await db.Subjects.FirstOrDefaultAsync(s => s.Kind == kind && s.ExternalId == subjectRequest.ExternalId, cancellationToken)
                ?? db.Subjects.Local.FirstOrDefault(s => s.Kind == kind && s.ExternalId == subjectRequest.ExternalId);
            if (subject is null)
            {
                subject = new Subject(kind, subjectRequest.ExternalId!, now);
                db.Subjects.Add(subject);
            }

            @case.AttachSubject(subject.Id, subjectRequest.Role ?? SubjectRole.Involved);
        }

        if (assignee is not null)
        {
            @case.Assign(assignee, actor, now);
        }

        if (request.Tags is { Count: > 0 })
        {
            @case.SetTags(request.Tags, actor, now);
        }

        if (!string.IsNullOrWhiteSpace(request.Text))
        {
            var author = requester is null ? actor : new Actor("contact", requester.Id.ToString(), requester.Name ?? requester.Email ?? "Requester");
            @case.AddMessage(requester is null ? MessageDirection.Internal : MessageDirection.Inbound, Channel.Api, request.Text.Trim(), author, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (idempotencyKey is not null)
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord(clientId, idempotencyKey, requestHash, Operation, @case.Id.ToString(), now));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // A concurrent request with the same key won the race. This case stays (it is real and logged); the
                // caller is told about the first one, which is what their retry meant.
                db.ChangeTracker.Clear();
                (check, resourceId) = await Idempotency.CheckAsync(db, clientId, idempotencyKey, requestHash, cancellationToken);
                if (check == Idempotency.Check.Replay)
                {
                    return new Created((await getCase.LoadAsync(long.Parse(resourceId!), caller, cancellationToken))!, Replayed: true);
                }
            }
        }

        return new Created((await getCase.LoadAsync(@case.Id, caller, cancellationToken))!, Replayed: false);
    }

    private static ValidationErrors Validate(CreateCaseRequest request, CategoryCatalog.Snapshot catalog)
    {
        var errors = new ValidationErrors();
        errors.Required("title", request.Title, Case.TitleMaxLength);
        if (request.Severity is { } severity && !Enum.IsDefined(severity))
        {
            errors.Add("severity", "One of S1, S2, S3, S4.");
        }

        if (request.Category is not null && !catalog.Categories.ContainsKey(request.Category))
        {
            errors.Add("category", "Unknown category. See GET /api/v1/categories.");
        }

        if (request.Queue is not null && !catalog.QueuesByName.ContainsKey(request.Queue))
        {
            errors.Add("queue", "Unknown queue. See GET /api/v1/queues.");
        }

        errors.MaxLength("assignee", request.Assignee, 200);
        ValidateTags(errors, "tags", request.Tags);
        if (request.Requester is { } requester)
        {
            errors.MaxLength("requester.email", requester.Email, 320);
            if (requester.Email is not null && !System.Net.Mail.MailAddress.TryCreate(requester.Email, out _))
            {
                errors.Add("requester.email", "Not an email address.");
            }

            errors.MaxLength("requester.name", requester.Name, 200);
        }

        errors.Count("subjects", request.Subjects, 0, MaxSubjects);
        for (var i = 0; request.Subjects is not null && i < request.Subjects.Count && i < MaxSubjects; i++)
        {
            SubjectRef.Validate(errors, $"subjects[{i}]", new SubjectRef(request.Subjects[i].Kind, request.Subjects[i].ExternalId), required: true);
        }

        errors.MaxLength("text", request.Text, AddMessage.TextMaxLength);
        return errors;
    }

    internal static void ValidateTags(ValidationErrors errors, string field, IReadOnlyList<string>? tags)
    {
        errors.Count(field, tags, 0, Case.MaxTags);
        for (var i = 0; tags is not null && i < tags.Count && i < Case.MaxTags; i++)
        {
            errors.Required($"{field}[{i}]", tags[i], Case.TagMaxLength);
            if (tags[i] is { } tag && tag.Any(c => char.IsWhiteSpace(c) || c == ','))
            {
                errors.Add($"{field}[{i}]", "A tag is one word: no spaces or commas.");
            }
        }
    }
}

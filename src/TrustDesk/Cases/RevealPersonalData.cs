using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Audit;
using TrustDesk.Data;
using TrustDesk.Subjects;
using TrustDesk.Web;

namespace TrustDesk.Cases;

/// <param name="Reason">Why you need to see it (5 to 500 characters); it is kept in the audit trail.</param>
public sealed record RevealRequest(string? Reason);

public sealed record RevealedCaseView(long CaseId, ContactView? Requester, IReadOnlyList<MessageAuthorView> MessageAuthors);

public sealed record MessageAuthorView(Guid MessageId, string AuthorName);

/// <summary>
/// Shows one record's personal data in clear to someone allowed to ask, with a reason, and writes an audit entry in
/// the same transaction: no reveal without its record.
/// </summary>
public sealed class RevealPersonalData(TrustDeskDb db, CaseAccess access, Identity.StepUpThrottle throttle, TimeProvider time)
{
    public const int ReasonMinLength = 5;
    public const int ReasonMaxLength = 500;

    public abstract record Result;
    public sealed record Revealed<T>(T View) : Result;
    public sealed record NotFound : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> CaseAsync(long caseId, RevealRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!await access.CanSeeAsync(caseId, caller, cancellationToken))
        {
            return new NotFound();
        }

        if (ValidateReason(request) is { } invalid)
        {
            return invalid;
        }

        throttle.Acquire(Identity.StepUp.Reveal, caller, db.RequestIp);

        var @case = await db.Cases.AsNoTracking().FirstAsync(c => c.Id == caseId, cancellationToken);
        var requester = @case.RequesterId is { } id
            ? await db.Contacts.AsNoTracking().Where(r => r.Id == id).Select(r => new ContactView(r.Id, r.Name, r.Email)).FirstOrDefaultAsync(cancellationToken)
            : null;
        var authors = await db.Messages.AsNoTracking().Where(m => m.CaseId == caseId && m.AuthorType == "contact")
            .Select(m => new MessageAuthorView(m.Id, m.AuthorName)).ToListAsync(cancellationToken);
        await AuditAsync(caller, "case", caseId.ToString(System.Globalization.CultureInfo.InvariantCulture), "requester contact details", request.Reason!, cancellationToken);
        return new Revealed<RevealedCaseView>(new RevealedCaseView(caseId, requester, authors));
    }

    public async Task<Result> SubjectAsync(SubjectKind kind, string externalId, RevealRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var subject = await db.Subjects.AsNoTracking().Include(s => s.Identifiers).FirstOrDefaultAsync(s => s.Kind == kind && s.ExternalId == externalId, cancellationToken);
        if (subject is null)
        {
            return new NotFound();
        }

        if (ValidateReason(request) is { } invalid)
        {
            return invalid;
        }

        throttle.Acquire(Identity.StepUp.Reveal, caller, db.RequestIp);

        await AuditAsync(caller, "subject", $"{System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString())}:{externalId}", "identifiers", request.Reason!, cancellationToken);
        return new Revealed<List<SubjectIdentifierView>>(subject.Identifiers.Select(i => new SubjectIdentifierView(i.Type, i.Value)).ToList());
    }

    private static Invalid? ValidateReason(RevealRequest request)
    {
        var errors = new ValidationErrors();
        errors.Required("reason", request.Reason, ReasonMaxLength);
        if (request.Reason is { } reason && !string.IsNullOrWhiteSpace(reason) && reason.Trim().Length < ReasonMinLength)
        {
            errors.Add("reason", $"At least {ReasonMinLength} characters: say why you need to see it.");
        }

        return errors.Any ? new Invalid(errors.ToDictionary()) : null;
    }

    private async Task AuditAsync(ClaimsPrincipal caller, string targetType, string targetId, string what, string reason, CancellationToken cancellationToken)
    {
        db.Audit(AuditRecords.By(caller, time.GetUtcNow().UtcDateTime, "personal_data.revealed", targetType, targetId, $"{what}; reason: {reason.Trim()}", db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
    }
}

using TrustDesk.Contacts;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Cases;

public sealed record RevealedCaseView(long CaseId, ContactView? Requester, IReadOnlyList<MessageAuthorView> MessageAuthors);

public sealed record MessageAuthorView(Guid MessageId, string AuthorName);

/// <summary>
/// Shows a case's personal data in clear to someone allowed to ask, with a reason, and writes an audit entry in
/// the same transaction: no reveal without its record.
/// </summary>
public sealed class RevealPersonalData(TrustDeskDb db, CaseAccess access, Identity.StepUpThrottle throttle, TimeProvider time)
{
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

        if (request.Validate() is { } errors)
        {
            return new Invalid(errors);
        }

        throttle.Acquire(Identity.StepUp.Reveal, caller, db.RequestIp);

        var @case = await db.Cases.AsNoTracking().FirstAsync(c => c.Id == caseId, cancellationToken);
        var requester = @case.RequesterId is { } id
            ? await db.Contacts.AsNoTracking().Where(r => r.Id == id).Select(r => new ContactView(r.Id, r.Name, r.Email)).FirstOrDefaultAsync(cancellationToken)
            : null;
        var authors = await db.Messages.AsNoTracking().Where(m => m.CaseId == caseId && m.AuthorType == "contact")
            .Select(m => new MessageAuthorView(m.Id, m.AuthorName)).ToListAsync(cancellationToken);
        await request.AuditAsync(db, caller, time.GetUtcNow().UtcDateTime, "case", caseId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "requester contact details", cancellationToken);
        return new Revealed<RevealedCaseView>(new RevealedCaseView(caseId, requester, authors));
    }
}

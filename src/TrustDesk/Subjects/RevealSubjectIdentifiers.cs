using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Data;

namespace TrustDesk.Subjects;

/// <summary>
/// Shows a subject's identifiers in clear to someone allowed to ask, with a reason, and writes an audit entry first:
/// no reveal without its record.
/// </summary>
public sealed class RevealSubjectIdentifiers(TrustDeskDb db, Identity.StepUpThrottle throttle, TimeProvider time)
{
    public abstract record Result;
    public sealed record Revealed(List<SubjectIdentifierView> Identifiers) : Result;
    public sealed record NotFound : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(SubjectKind kind, string externalId, RevealRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var subject = await db.Subjects.AsNoTracking().Include(s => s.Identifiers).FirstOrDefaultAsync(s => s.Kind == kind && s.ExternalId == externalId, cancellationToken);
        if (subject is null)
        {
            return new NotFound();
        }

        if (request.Validate() is { } errors)
        {
            return new Invalid(errors);
        }

        throttle.Acquire(Identity.StepUp.Reveal, caller, db.RequestIp);
        await request.AuditAsync(db, caller, time.GetUtcNow().UtcDateTime, "subject",
            $"{System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString())}:{externalId}", "identifiers", cancellationToken);
        return new Revealed(subject.Identifiers.Select(i => new SubjectIdentifierView(i.Type, i.Value)).ToList());
    }
}

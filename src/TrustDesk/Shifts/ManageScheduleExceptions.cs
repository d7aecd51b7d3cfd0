using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Data;

namespace TrustDesk.Shifts;

/// <param name="UserId">The agent whose schedule changes.</param>
/// <param name="Kind">time_off, extra_shift (needs teamId) or swap (needs coveredByUserId).</param>
/// <param name="StartsAt">Start of the window (ISO 8601 with offset).</param>
/// <param name="EndsAt">End of the window, after the start, at most 31 days later.</param>
/// <param name="TeamId">The team an extra shift is worked for.</param>
/// <param name="CoveredByUserId">Who works the agent's shifts in a swap.</param>
/// <param name="Note">Why, for the team.</param>
public sealed record ScheduleExceptionRequest(Guid? UserId, ScheduleExceptionKind? Kind, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, Guid? TeamId, Guid? CoveredByUserId, string? Note);

public sealed record ScheduleExceptionView(Guid Id, PersonView? User, ScheduleExceptionKind Kind, DateTime StartsAt, DateTime EndsAt, Guid? TeamId, PersonView? CoveredBy, string? Note, string CreatedBy);

/// <summary>Time off, extra shifts and swaps; every change is audited.</summary>
public sealed class ManageScheduleExceptions(TrustDeskDb db, TimeProvider time)
{
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);

    public abstract record Result;
    public sealed record Done(ScheduleExceptionView Exception) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    /// <summary>The exceptions that end after <paramref name="from"/> and start before <paramref name="to"/>.</summary>
    public async Task<IReadOnlyList<ScheduleExceptionView>> ListAsync(DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var rows = await db.ScheduleExceptions.AsNoTracking().Where(e => e.EndsAt > from && e.StartsAt < to).OrderBy(e => e.StartsAt).Take(1000).ToListAsync(cancellationToken);
        var people = await ShiftPeople.LoadAsync(db, rows.Select(r => r.UserId).Concat(rows.Where(r => r.CoveredByUserId != null).Select(r => r.CoveredByUserId!.Value)), cancellationToken);
        return [.. rows.Select(r => View(r, people))];
    }

    public async Task<Result> CreateAsync(ScheduleExceptionRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.UserId is not { } userId)
        {
            errors.Add("userId", "Required.");
            userId = Guid.Empty;
        }
        else if ((await ShiftPeople.FindNotAgentsAsync(db, [userId], cancellationToken)).Count > 0)
        {
            errors.Add("userId", "Not an active user who works cases.");
        }

        if (request.Kind is not { } kind)
        {
            errors.Add("kind", "One of time_off, extra_shift, swap.");
            kind = ScheduleExceptionKind.TimeOff;
        }

        if (request.StartsAt is not { } starts || request.EndsAt is not { } ends)
        {
            errors.Add(request.StartsAt is null ? "startsAt" : "endsAt", "Required, as ISO 8601 with an offset.");
        }
        else if (ends <= starts)
        {
            errors.Add("endsAt", "After startsAt.");
        }
        else if (ends - starts > MaxWindow)
        {
            errors.Add("endsAt", "At most 31 days after startsAt; add one exception per month.");
        }

        if (kind == ScheduleExceptionKind.ExtraShift && (request.TeamId is not { } team || !await db.Teams.AnyAsync(t => t.Id == team, cancellationToken)))
        {
            errors.Add("teamId", "An extra shift names the team it is worked for.");
        }

        if (kind == ScheduleExceptionKind.Swap)
        {
            if (request.CoveredByUserId is not { } cover || cover == userId)
            {
                errors.Add("coveredByUserId", "A swap names another agent who works the shifts.");
            }
            else if ((await ShiftPeople.FindNotAgentsAsync(db, [cover], cancellationToken)).Count > 0)
            {
                errors.Add("coveredByUserId", "Not an active user who works cases.");
            }
        }

        errors.MaxLength("note", request.Note, ScheduleException.NoteMaxLength);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        var exception = new ScheduleException(
            userId, kind, request.StartsAt!.Value.UtcDateTime, request.EndsAt!.Value.UtcDateTime,
            kind == ScheduleExceptionKind.ExtraShift ? request.TeamId : null,
            kind == ScheduleExceptionKind.Swap ? request.CoveredByUserId : null,
            string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
            caller.Identity?.Name ?? caller.ClientId(), now);
        db.ScheduleExceptions.Add(exception);
        db.Audit(AuditRecords.By(caller, now, "schedule_exception.created", "user", userId.ToString(),
            $"{kind} {exception.StartsAt:O}..{exception.EndsAt:O} team {exception.TeamId} cover {exception.CoveredByUserId}", db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        var people = await ShiftPeople.LoadAsync(db, [userId, .. exception.CoveredByUserId is { } c ? [c] : Array.Empty<Guid>()], cancellationToken);
        return new Done(View(exception, people));
    }

    public async Task<bool> DeleteAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var exception = await db.ScheduleExceptions.FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (exception is null)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        db.ScheduleExceptions.Remove(exception);
        db.Audit(AuditRecords.By(caller, now, "schedule_exception.deleted", "user", exception.UserId.ToString(),
            $"{exception.Kind} {exception.StartsAt:O}..{exception.EndsAt:O}", db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static ScheduleExceptionView View(ScheduleException e, Dictionary<Guid, PersonView> people) =>
        new(e.Id, people.GetValueOrDefault(e.UserId), e.Kind, e.StartsAt, e.EndsAt, e.TeamId,
            e.CoveredByUserId is { } c ? people.GetValueOrDefault(c) : null, e.Note, e.CreatedBy);
}

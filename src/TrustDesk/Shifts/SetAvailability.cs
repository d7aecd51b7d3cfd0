using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.Shifts;

/// <param name="Status">online, away or offline.</param>
public sealed record AvailabilityRequest(Availability? Status);

public sealed record AvailabilityView(Availability Status, DateTime? ChangedAt, bool OnShift);

/// <summary>An agent says whether they are online, away or offline; only online agents on shift are routed cases.</summary>
public sealed class SetAvailability(TrustDeskDb db, TimeProvider time)
{
    public async Task<AvailabilityView?> GetAsync(ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (Permissions.UserIdOf(caller) is not { } userId)
        {
            return null;
        }

        var row = await db.AgentAvailabilities.AsNoTracking().FirstOrDefaultAsync(a => a.UserId == userId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var roster = await ShiftRoster.LoadAsync(db, now, now.AddSeconds(1), cancellationToken);
        return new AvailabilityView(row?.Status ?? Availability.Offline, row?.ChangedAt, roster.Spans.Any(s => s.UserId == userId));
    }

    /// <returns>Null when the caller is not a person (an API key has no availability).</returns>
    public async Task<AvailabilityView?> SetAsync(Availability status, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (Permissions.UserIdOf(caller) is not { } userId)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var row = await db.AgentAvailabilities.FirstOrDefaultAsync(a => a.UserId == userId, cancellationToken);
        if (row is null)
        {
            db.AgentAvailabilities.Add(new AgentAvailability(userId, status, now));
        }
        else if (row.Status != status)
        {
            row.Set(status, now);
        }
        else
        {
            return await GetAsync(caller, cancellationToken);
        }

        db.Audit(AuditRecords.By(caller, now, "availability.changed", "user", userId.ToString(), status.ToString().ToLowerInvariant(), db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(caller, cancellationToken);
    }
}

using Microsoft.EntityFrameworkCore;
using NodaTime;
using TrustDesk.Data;

namespace TrustDesk.Shifts;

/// <summary>The roster of a window, with the queues each team covers.</summary>
public sealed record RosterWindow(DateTime From, DateTime To, IReadOnlyList<OnShift> Spans, IReadOnlyDictionary<Guid, IReadOnlyList<Guid>> QueuesByTeam)
{
    /// <summary>The agents on at <paramref name="at"/> for a team covering <paramref name="queueId"/>.</summary>
    public HashSet<Guid> OnFor(Guid queueId, DateTime at) =>
        [.. Spans.Where(s => s.Start <= at && at < s.End && QueuesByTeam.TryGetValue(s.TeamId, out var queues) && queues.Contains(queueId)).Select(s => s.UserId)];
}

/// <summary>Reads teams, shift patterns and exceptions and builds the roster of a window (<see cref="Roster"/>).</summary>
public static class ShiftRoster
{
    public static async Task<RosterWindow> LoadAsync(TrustDeskDb db, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var teams = await db.Set<Team>().AsNoTracking().Include(t => t.Members).Include(t => t.Queues).AsSplitQuery().ToListAsync(cancellationToken);
        var patterns = await db.Set<ShiftPattern>().AsNoTracking().ToListAsync(cancellationToken);
        var exceptions = await db.Set<ScheduleException>().AsNoTracking()
            .Where(e => e.EndsAt > from && e.StartsAt < to).ToListAsync(cancellationToken);
        var spans = Roster.Build(
            [.. teams.Select(t => new RosterTeam(t.Id, [.. t.Members.Select(m => m.UserId)]))],
            [.. patterns.Select(p => new RosterShift(p.TeamId, Zone(p.TimeZone), p.Days, LocalTime.FromTimeOnly(p.Start), LocalTime.FromTimeOnly(p.End)))],
            [.. exceptions.Select(e => new RosterException(e.UserId, e.Kind, e.StartsAt, e.EndsAt, e.TeamId, e.CoveredByUserId))],
            from, to);
        return new RosterWindow(from, to, spans, teams.ToDictionary(t => t.Id, t => (IReadOnlyList<Guid>)[.. t.Queues.Select(q => q.QueueId)]));
    }

    /// <summary>The tzdb zone of a stored id (validated when it was written).</summary>
    public static DateTimeZone Zone(string id) => DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) ?? DateTimeZone.Utc;

    public static bool IsZone(string? id) => id is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is not null;
}

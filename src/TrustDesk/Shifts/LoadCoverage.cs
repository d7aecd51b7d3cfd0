using Microsoft.EntityFrameworkCore;
using NodaTime;
using TrustDesk.Data;
using TrustDesk.Queues;

namespace TrustDesk.Shifts;

/// <summary>One hour of a queue's week: who is on for it (for any part of the hour) and whether nobody is.</summary>
public sealed record CoverageHour(DateTime Start, string Local, IReadOnlyList<string> Agents, bool Gap);

public sealed record QueueCoverage(string Queue, RoutingMode Routing, IReadOnlyList<string> Teams, bool Covered, int GapHours, IReadOnlyList<CoverageHour> Hours);

public sealed record CoverageView(string TimeZone, DateTime From, DateTime To, IReadOnlyList<QueueCoverage> Queues);

/// <summary>The next days' cover of every queue, hour by hour in the Lead's time zone, with the hours nobody covers.</summary>
public sealed class LoadCoverage(TrustDeskDb db, TimeProvider time)
{
    public const int MaxDays = 14;

    /// <param name="zoneId">The zone whose hours the grid shows (validated by the caller).</param>
    /// <param name="days">How many days from the start of today there.</param>
    public async Task<CoverageView> HandleAsync(string zoneId, int days, CancellationToken cancellationToken)
    {
        var zone = ShiftRoster.Zone(zoneId);
        var today = SystemClockNow().InZone(zone).Date;
        var from = today.AtStartOfDayInZone(zone).ToDateTimeUtc();
        var to = today.PlusDays(days).AtStartOfDayInZone(zone).ToDateTimeUtc();
        var roster = await ShiftRoster.LoadAsync(db, from, to, cancellationToken);
        var people = await ShiftPeople.LoadAsync(db, roster.Spans.Select(s => s.UserId), cancellationToken);
        var queues = await db.Queues.AsNoTracking().OrderBy(q => q.Name).ToListAsync(cancellationToken);
        var routings = await db.QueueRoutings.AsNoTracking().ToDictionaryAsync(r => r.QueueId, r => r.Mode, cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);

        var result = new List<QueueCoverage>();
        foreach (var queue in queues)
        {
            var teamIds = roster.QueuesByTeam.Where(t => t.Value.Contains(queue.Id)).Select(t => t.Key).ToHashSet();
            var spans = roster.Spans.Where(s => teamIds.Contains(s.TeamId)).ToList();
            var hours = new List<CoverageHour>();

            // Hour by real hour, labelled in local time: the spring-forward day has 23 of them, the fall-back day 25.
            for (var start = from; start < to; start = start.AddHours(1))
            {
                var end = start.AddHours(1);
                var agents = spans.Where(s => s.Start < end && s.End > start).Select(s => s.UserId).Distinct()
                    .Select(id => people.GetValueOrDefault(id)?.DisplayName).OfType<string>().Order(StringComparer.OrdinalIgnoreCase).ToList();
                var local = Instant.FromDateTimeUtc(start).InZone(zone).LocalDateTime.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
                hours.Add(new CoverageHour(start, local, agents, agents.Count == 0));
            }

            result.Add(new QueueCoverage(queue.Name, routings.GetValueOrDefault(queue.Id, RoutingMode.PullOnly),
                [.. teamIds.Select(t => teams.GetValueOrDefault(t, "")).Order(StringComparer.Ordinal)], teamIds.Count > 0, hours.Count(h => h.Gap), hours));
        }

        return new CoverageView(zone.Id, from, to, result);
    }

    private Instant SystemClockNow() => Instant.FromDateTimeOffset(time.GetUtcNow());
}

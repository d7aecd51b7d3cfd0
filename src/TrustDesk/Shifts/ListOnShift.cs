using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Shifts;

public sealed record OnShiftAgentView(Guid UserId, string Email, string DisplayName, Availability Availability, IReadOnlyList<string> Teams, DateTime Until, int OpenCases, int Capacity);

/// <summary>Who is on shift now, with their availability, teams and load.</summary>
public sealed class ListOnShift(TrustDeskDb db, TimeProvider time)
{
    public async Task<IReadOnlyList<OnShiftAgentView>> HandleAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;

        // A day ahead, so "until" sees a shift that runs on into a swap or an extra shift.
        var roster = await ShiftRoster.LoadAsync(db, now, now.AddDays(1), cancellationToken);
        var on = Roster.OnAt(roster.Spans, now);
        if (on.Count == 0)
        {
            return [];
        }

        var ids = on.Keys.ToList();
        var people = await ShiftPeople.LoadAsync(db, ids, cancellationToken);
        var availability = await db.AgentAvailabilities.AsNoTracking().Where(a => ids.Contains(a.UserId)).ToDictionaryAsync(a => a.UserId, a => a.Status, cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var loads = await AgentLoads.OpenCasesAsync(db, people.Values.Select(p => p.Email), cancellationToken);
        var skills = await db.AgentSkills.AsNoTracking().Where(s => ids.Contains(s.UserId)).ToDictionaryAsync(s => s.UserId, s => s.Capacity, cancellationToken);
        return [.. on
            .Where(o => people.ContainsKey(o.Key))
            .Select(o =>
            {
                var person = people[o.Key];
                return new OnShiftAgentView(
                    o.Key, person.Email, person.DisplayName, availability.GetValueOrDefault(o.Key, Availability.Offline),
                    [.. o.Value.Select(t => teams.GetValueOrDefault(t, "")).Order(StringComparer.Ordinal)],
                    Until(roster.Spans.Where(s => s.UserId == o.Key).ToList(), now),
                    loads.GetValueOrDefault(person.Email.ToUpperInvariant()),
                    skills.GetValueOrDefault(o.Key, AgentSkills.DefaultCapacity));
            })
            .OrderBy(v => v.DisplayName, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>When the agent's time on ends: stretches that touch or overlap run on into each other.</summary>
    private static DateTime Until(List<OnShift> spans, DateTime now)
    {
        var until = now;
        bool extended;
        do
        {
            extended = false;
            foreach (var s in spans.Where(s => s.Start <= until && s.End > until))
            {
                until = s.End;
                extended = true;
            }
        }
        while (extended);
        return until;
    }
}

using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Shifts;

namespace TrustDesk.Demo;

/// <summary>
/// The demo's people at work: an evening team (13:00–22:00 Los Angeles on weekdays) and weekend cover, the orders queue
/// routed to the least loaded, and — at every start, whatever the hour — the demo agent and specialist on (an extra
/// shift "while the demo runs" when their pattern has them off) and online, so a new order report is assigned to one of
/// them. The rest of the week keeps its real gaps, which the Lead's coverage page shows.
/// </summary>
public static class DemoShifts
{
    public const string EveningTeam = "Evening team";
    public const string WeekendTeam = "Weekend cover";
    public const string RoutedQueue = "orders";
    public static readonly TimeSpan OnCallWindow = TimeSpan.FromHours(12);

    public static async Task EnsureAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var db = provider.GetRequiredService<TrustDeskDb>();
        var now = provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var caller = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "demo seed"), new Claim(Caller.ClientIdClaim, "demo"), new Claim("actor_type", "system")], "demo"));
        var people = await db.Users.AsNoTracking().Where(u => u.Email != null && u.Email.EndsWith("@demo.trustdesk.test"))
            .ToDictionaryAsync(u => u.Email!, u => u.Id, cancellationToken);
        if (!people.TryGetValue("agent@demo.trustdesk.test", out var agent) || !people.TryGetValue("specialist@demo.trustdesk.test", out var specialist)
            || !people.TryGetValue("lead@demo.trustdesk.test", out var lead))
        {
            return;
        }

        var teams = provider.GetRequiredService<ManageTeams>();
        var shifts = provider.GetRequiredService<ManageShiftPatterns>();
        var evening = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Name == EveningTeam, cancellationToken);
        if (evening is null)
        {
            var created = Expect<ManageTeams.Done>(await teams.CreateAsync(
                new TeamRequest(EveningTeam, lead, [agent, specialist], ["triage", "orders", "payments", "auctions", "authenticity", "conduct"]), caller, cancellationToken));
            Expect<ManageShiftPatterns.Done>(await shifts.AddAsync(created.Team.Id,
                new ShiftRequest("Evening", "America/Los_Angeles", ["monday", "tuesday", "wednesday", "thursday", "friday"], "13:00", "22:00"), caller, cancellationToken));
            var weekend = Expect<ManageTeams.Done>(await teams.CreateAsync(
                new TeamRequest(WeekendTeam, lead, [specialist], ["crisis", "live-response", "orders"]), caller, cancellationToken));
            Expect<ManageShiftPatterns.Done>(await shifts.AddAsync(weekend.Team.Id,
                new ShiftRequest("Weekend", "America/Los_Angeles", ["saturday", "sunday"], "10:00", "19:00"), caller, cancellationToken));

            var routing = provider.GetRequiredService<ConfigureRouting>();
            Expect<ConfigureRouting.Done<AgentSkillsView>>(await routing.SetAgentAsync(agent, new AgentSkillsRequest(["en", "es"], [], 40), caller, cancellationToken));
            Expect<ConfigureRouting.Done<AgentSkillsView>>(await routing.SetAgentAsync(specialist, new AgentSkillsRequest(["en"], [], 40), caller, cancellationToken));
            Expect<ConfigureRouting.Done<QueueRoutingView>>(await routing.SetQueueAsync(RoutedQueue, new QueueRoutingRequest(RoutingMode.LeastLoaded, null, 30), caller, cancellationToken));
            evening = await db.Teams.AsNoTracking().FirstAsync(t => t.Name == EveningTeam, cancellationToken);
        }

        // Whatever the hour the demo starts at, the two are on: an extra evening-team shift for whoever the pattern has off.
        var roster = await ShiftRoster.LoadAsync(db, now, now.AddSeconds(1), cancellationToken);
        var on = Roster.OnAt(roster.Spans, now);
        var exceptions = provider.GetRequiredService<ManageScheduleExceptions>();
        foreach (var id in new[] { agent, specialist }.Where(id => !on.ContainsKey(id)))
        {
            Expect<ManageScheduleExceptions.Done>(await exceptions.CreateAsync(
                new ScheduleExceptionRequest(id, ScheduleExceptionKind.ExtraShift, now, now + OnCallWindow, evening.Id, null, "Demo: on call while the demo runs"),
                caller, cancellationToken));
        }

        foreach (var id in new[] { agent, specialist })
        {
            var row = await db.AgentAvailabilities.FirstOrDefaultAsync(a => a.UserId == id, cancellationToken);
            if (row is null)
            {
                db.AgentAvailabilities.Add(new AgentAvailability(id, Availability.Online, now));
            }
            else
            {
                row.Set(Availability.Online, now);
            }

            db.Audit(AuditRecords.By(caller, now, "availability.changed", "user", id.ToString(), "online (demo start)", null));
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The seed is fixed data: a use case refusing it is a bug in the seed.</summary>
    private static T Expect<T>(object result) =>
        result is T done ? done : throw new InvalidOperationException($"The demo's shifts were refused: {System.Text.Json.JsonSerializer.Serialize(result, result.GetType())}");
}

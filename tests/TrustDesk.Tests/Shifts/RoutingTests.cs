using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.Identity;
using TrustDesk.Shifts;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Shifts;

/// <summary>An app whose clock the tests move (Monday 2026-03-02 18:00 UTC), the unanswered-case pass run by hand.</summary>
public sealed class ShiftsSqliteApp : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.Zero));

    public TrustDeskFactory Factory { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Sqlite, null, ShiftsApp.Settings, Time);
        _ = Factory.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <inheritdoc cref="ShiftsSqliteApp"/>
public sealed class ShiftsPostgresApp(PostgresServer server) : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.Zero));

    public TrustDeskFactory Factory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Postgres, await server.CreateDatabaseAsync(), ShiftsApp.Settings, Time);
        _ = Factory.Server;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

internal static class ShiftsApp
{
    public static readonly Dictionary<string, string?> Settings = new() { ["Shifts:ReturnEnabled"] = "false" };
}

/// <summary>
/// Teams, shifts, availability and routing through the API, against both providers. Each test routes its own queue
/// (the tests share one database), and reports come in through the intake writer, the path most cases open by.
/// </summary>
public abstract class RoutingTests(TrustDeskFactory app, FakeTimeProvider time)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private static async Task<long> ReportAsync(HttpClient client, string category) =>
        (await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = Unique("u") }, category, text = "Report." }))
            .ExpectAsync(HttpStatusCode.Created)).Long("caseId");

    private static string? Assignee(JsonElement c) => c.GetProperty("assignee").ValueKind == JsonValueKind.Null ? null : c.Str("assignee");

    /// <summary>An agent, online, in a new team covering <paramref name="queue"/> with a shift on every day from <paramref name="start"/> to <paramref name="end"/> UTC.</summary>
    private async Task<TestUser> AgentOnTeamAsync(HttpClient lead, string queue, string start, string end, int capacity, bool online = true)
    {
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var team = await (await lead.PostJsonAsync("/api/v1/teams", new { name = Unique("team"), memberIds = new[] { agent.Id }, queues = new[] { queue } }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await lead.PostJsonAsync($"/api/v1/teams/{team.Str("id")}/shifts", new
        {
            name = "All days",
            timeZone = "Etc/UTC",
            days = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" },
            start,
            end,
        })).ExpectAsync(HttpStatusCode.Created);
        await (await lead.PutJsonAsync($"/api/v1/routing/agents/{agent.Id}", new { languages = new[] { "en" }, categoryFamilies = Array.Empty<string>(), capacity }))
            .ExpectAsync(HttpStatusCode.OK);
        if (online)
        {
            var own = await app.CreateSessionClientAsync(agent.Id);
            await (await own.PutJsonAsync("/api/v1/me/availability", new { status = "online" })).ExpectAsync(HttpStatusCode.OK);
        }

        return agent;
    }

    private static async Task RouteAsync(HttpClient lead, string queue, string mode, int? timeout = null) =>
        await (await lead.PutJsonAsync($"/api/v1/routing/queues/{queue}", new { mode, unansweredTimeoutMinutes = timeout })).ExpectAsync(HttpStatusCode.OK);

    [Fact]
    public async Task NewReport_LeastLoadedQueueWithAnAgentOnShift_AssignedToTheAgent()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var agent = await AgentOnTeamAsync(lead, "orders", "00:00", "00:00", capacity: 5);
        await RouteAsync(lead, "orders", "least_loaded");
        var api = await app.CreateApiClientAsync();

        var id = await ReportAsync(api, "order.not_received");
        var c = await api.GetJsonAsync($"/api/v1/cases/{id}");

        Assert.Equal(agent.Email, Assignee(c), StringComparer.OrdinalIgnoreCase);
        var onShift = await lead.GetJsonAsync("/api/v1/agents/on-shift");
        var me = onShift.EnumerateArray().Single(a => a.Str("userId") == agent.Id.ToString());
        Assert.Equal("online", me.Str("availability"));
        Assert.Equal(1, me.Int("openCases"));
    }

    [Fact]
    public async Task NewReport_OnlyAgentAtCapacity_NotAssigned()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var agent = await AgentOnTeamAsync(lead, "payments", "00:00", "00:00", capacity: 1);
        await RouteAsync(lead, "payments", "least_loaded");
        var api = await app.CreateApiClientAsync();

        var first = await ReportAsync(api, "payments.chargeback_abuse");
        var second = await ReportAsync(api, "payments.chargeback_abuse");

        Assert.Equal(agent.Email, Assignee(await api.GetJsonAsync($"/api/v1/cases/{first}")), StringComparer.OrdinalIgnoreCase);
        Assert.Null(Assignee(await api.GetJsonAsync($"/api/v1/cases/{second}")));
    }

    [Fact]
    public async Task NewReport_AgentOffShiftOrAway_NotAssigned()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);

        // The clock says 18:00 UTC: one agent's shift is 02:00–03:00; the other is on but has not said they are online.
        var offShift = await AgentOnTeamAsync(lead, "conduct", "02:00", "03:00", capacity: 5);
        await AgentOnTeamAsync(lead, "conduct", "00:00", "00:00", capacity: 5, online: false);
        await RouteAsync(lead, "conduct", "round_robin");
        var api = await app.CreateApiClientAsync();

        var id = await ReportAsync(api, "conduct.harassment");
        var onShift = await lead.GetJsonAsync("/api/v1/agents/on-shift");

        Assert.Null(Assignee(await api.GetJsonAsync($"/api/v1/cases/{id}")));
        Assert.DoesNotContain(onShift.EnumerateArray(), a => a.Str("userId") == offShift.Id.ToString());
    }

    [Fact]
    public async Task RoutedCase_UnansweredPastTheTimeout_GoesBackToTheQueue()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var agent = await AgentOnTeamAsync(lead, "authenticity", "00:00", "00:00", capacity: 5);
        await RouteAsync(lead, "authenticity", "least_loaded", timeout: 10);
        var api = await app.CreateApiClientAsync();
        var id = await ReportAsync(api, "authenticity.counterfeit");
        Assert.Equal(agent.Email, Assignee(await api.GetJsonAsync($"/api/v1/cases/{id}")), StringComparer.OrdinalIgnoreCase);
        var monitor = app.Services.GetRequiredService<ReturnUnansweredCases>();

        time.Advance(TimeSpan.FromMinutes(9));
        await monitor.RunOnceAsync(Cancel);
        var stillHeld = await api.GetJsonAsync($"/api/v1/cases/{id}");
        time.Advance(TimeSpan.FromMinutes(2));
        await monitor.RunOnceAsync(Cancel);
        var returned = await api.GetJsonAsync($"/api/v1/cases/{id}");

        Assert.Equal(agent.Email, Assignee(stillHeld), StringComparer.OrdinalIgnoreCase);
        Assert.Null(Assignee(returned));
        Assert.Contains(returned.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "returned_to_queue" && e.Str("from") == agent.Email);
    }

    [Fact]
    public async Task RoutedCase_AnsweredBeforeTheTimeout_StaysWithItsAssignee()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var agent = await AgentOnTeamAsync(lead, "auctions", "00:00", "00:00", capacity: 5);
        await RouteAsync(lead, "auctions", "least_loaded", timeout: 10);
        var api = await app.CreateApiClientAsync();
        var id = await ReportAsync(api, "auction.shill_bidding");
        var own = await app.CreateSessionClientAsync(agent.Id);
        await (await own.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "reply", text = "Looking into it." })).ExpectAsync(HttpStatusCode.Created);

        time.Advance(TimeSpan.FromMinutes(11));
        await app.Services.GetRequiredService<ReturnUnansweredCases>().RunOnceAsync(Cancel);

        Assert.Equal(agent.Email, Assignee(await api.GetJsonAsync($"/api/v1/cases/{id}")), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CaseMovedIntoARoutedQueue_AssignedToAnAgentOnShift()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var agent = await AgentOnTeamAsync(lead, "legal", "00:00", "00:00", capacity: 5);
        await RouteAsync(lead, "legal", "round_robin");
        var api = await app.CreateApiClientAsync();
        var id = await ReportAsync(api, "conduct.spam");
        Assert.Null(Assignee(await api.GetJsonAsync($"/api/v1/cases/{id}")));

        await (await api.PatchJsonAsync($"/api/v1/cases/{id}", new { queue = "legal" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(agent.Email, Assignee(await api.GetJsonAsync($"/api/v1/cases/{id}")), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Teams_AgentWritesOrBadShift_ForbiddenOrProblem()
    {
        var agent = await app.CreateUserClientAsync(UserRole.Agent);
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var team = await (await lead.PostJsonAsync("/api/v1/teams", new { name = Unique("team"), queues = new[] { "orders" } })).ExpectAsync(HttpStatusCode.Created);

        var agentCreates = await agent.PostJsonAsync("/api/v1/teams", new { name = Unique("team") });
        var agentReads = await agent.GetJsonAsync("/api/v1/teams");
        var badZone = await lead.PostJsonAsync($"/api/v1/teams/{team.Str("id")}/shifts", new { name = "x", timeZone = "Mars/Olympus", days = new[] { "monday" }, start = "13:00", end = "22:00" });
        var badMember = await lead.PostJsonAsync("/api/v1/teams", new { name = Unique("team"), memberIds = new[] { Guid.NewGuid() } });
        var badQueue = await lead.PutJsonAsync("/api/v1/routing/queues/orders", new { mode = "fastest" });
        var duplicate = await lead.PostJsonAsync("/api/v1/teams", new { name = team.Str("name") });

        Assert.Equal(HttpStatusCode.Forbidden, agentCreates.StatusCode);
        Assert.Contains(agentReads.EnumerateArray(), t => t.Str("id") == team.Str("id"));
        await badZone.ExpectProblemAsync(HttpStatusCode.BadRequest, "timeZone");
        await badMember.ExpectProblemAsync(HttpStatusCode.BadRequest, "memberIds");
        await badQueue.ExpectProblemAsync(HttpStatusCode.BadRequest);
        await duplicate.ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
    }

    [Fact]
    public async Task Availability_SetByTheAgent_ReadBackAndAudited()
    {
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var client = await app.CreateSessionClientAsync(agent.Id);

        var set = await (await client.PutJsonAsync("/api/v1/me/availability", new { status = "away" })).ExpectAsync(HttpStatusCode.OK);
        var bad = await client.PutJsonAsync("/api/v1/me/availability", new { status = "asleep" });
        var read = await client.GetJsonAsync("/api/v1/me/availability");
        var audited = await app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Any(e => e.Action == "availability.changed" && e.TargetId == agent.Id.ToString())));

        Assert.Equal("away", set.Str("status"));
        await bad.ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("away", read.Str("status"));
        Assert.True(audited);
    }

    [Fact]
    public async Task TimeOff_ListedToColleagues_WithoutItsReason()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var colleague = await app.CreateUserClientAsync(UserRole.Agent);
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var created = await (await lead.PostJsonAsync("/api/v1/shifts/exceptions", new
        {
            userId = agent.Id, kind = "time_off", startsAt = "2026-03-04T13:00:00-08:00", endsAt = "2026-03-04T22:00:00-08:00", note = "Dentist",
        })).ExpectAsync(HttpStatusCode.Created);

        var byLead = await lead.GetJsonAsync("/api/v1/shifts/exceptions");
        var byColleague = await colleague.GetJsonAsync("/api/v1/shifts/exceptions");
        var colleagueCreates = await colleague.PostJsonAsync("/api/v1/shifts/exceptions", new { userId = agent.Id, kind = "time_off", startsAt = "2026-03-05T13:00:00-08:00", endsAt = "2026-03-05T22:00:00-08:00" });

        Assert.Equal("Dentist", byLead.EnumerateArray().Single(e => e.Str("id") == created.Str("id")).Str("note"));
        Assert.Equal(JsonValueKind.Null, byColleague.EnumerateArray().Single(e => e.Str("id") == created.Str("id")).GetProperty("note").ValueKind);
        Assert.Equal(HttpStatusCode.Forbidden, colleagueCreates.StatusCode);
    }

    [Fact]
    public async Task Coverage_QueueWithAnEveningTeam_GapsOutsideTheShift()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var team = await (await lead.PostJsonAsync("/api/v1/teams", new { name = Unique("evening"), memberIds = new[] { agent.Id }, queues = new[] { "crisis" } }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await lead.PostJsonAsync($"/api/v1/teams/{team.Str("id")}/shifts", new
        {
            name = "Evening",
            timeZone = "America/Los_Angeles",
            days = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" },
            start = "13:00",
            end = "22:00",
        })).ExpectAsync(HttpStatusCode.Created);

        var coverage = await lead.GetJsonAsync("/api/v1/coverage?timeZone=America/Los_Angeles&days=7");

        var crisis = coverage.GetProperty("queues").EnumerateArray().Single(q => q.Str("queue") == "crisis");
        var hours = crisis.GetProperty("hours").EnumerateArray().ToList();
        Assert.Equal((7 * 24) - 1, hours.Count); // 2–8 March in Los Angeles: the clocks skip an hour on Sunday the 8th
        var monday13 = hours.Single(h => h.Str("local") == "2026-03-02T13:00");
        var monday22 = hours.Single(h => h.Str("local") == "2026-03-02T22:00");
        Assert.False(monday13.GetProperty("gap").GetBoolean());
        Assert.True(monday22.GetProperty("gap").GetBoolean());
        Assert.Equal(5 * 9, hours.Count(h => !h.GetProperty("gap").GetBoolean()));
    }
}

public sealed class SqliteRoutingTests(ShiftsSqliteApp app) : RoutingTests(app.Factory, app.Time), IClassFixture<ShiftsSqliteApp>;

public sealed class PostgresRoutingTests(ShiftsPostgresApp app) : RoutingTests(app.Factory, app.Time), IClassFixture<ShiftsPostgresApp>;

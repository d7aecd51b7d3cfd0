using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.AgentConsole;
using TrustDesk.Identity;
using TrustDesk.Metrics;
using TrustDesk.Tests.Infrastructure;
using TrustDesk.Webhooks;

namespace TrustDesk.Tests.Metrics;

/// <summary>An app for the live monitor, its alerts checked only when a test asks (the timer would race the fake clock).</summary>
public sealed class MonitorSqliteApp : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 10, 15, 10, 0, TimeSpan.Zero));

    public TrustDeskFactory Factory { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Sqlite, null, new Dictionary<string, string?>
        {
            ["Sla:MonitorInterval"] = "40.00:00:00",
            ["TrustDesk:Metrics:AlertInterval"] = "40.00:00:00",
        }, time: Time);
        _ = Factory.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>
/// The live monitor and its alerts: a queue whose inflow jumps against the same hours last week raises one alert (in the
/// console and as a <c>monitor.alert</c> webhook), not one per check; open S1s and the agents on shift are on the wall;
/// the Trust &amp; Safety and ratings CSVs.
/// </summary>
public sealed class MonitorTests(MonitorSqliteApp fixture) : IClassFixture<MonitorSqliteApp>
{
    private readonly TrustDeskFactory _app = fixture.Factory;

    [Fact]
    public async Task InflowSpike_AgainstTheSameHoursLastWeek_RaisesOneAlertInTheConsoleAndAWebhook()
    {
        var admin = await _app.CreateUserClientAsync(UserRole.Admin);
        await (await admin.PostJsonAsync("/api/v1/webhooks/endpoints", new { url = "http://127.0.0.1:9/hook", events = new[] { WebhookEvents.MonitorAlert } }))
            .ExpectAsync(HttpStatusCode.Created);
        var api = await _app.CreateApiClientAsync();
        var raised = new List<ConsoleAlert>();
        _app.Services.GetRequiredService<ConsoleAlerts>().Raised += raised.Add;
        var alerts = _app.Services.GetRequiredService<RaiseMonitorAlerts>();
        await alerts.CheckAsync(TestContext.Current.CancellationToken);
        raised.Clear();

        // Two spam reports, then a week later at the same hour six: six is at least twice two, and at least five.
        await ReportAsync(api, "conduct.spam", 2);
        fixture.Time.Advance(TimeSpan.FromDays(7));
        await ReportAsync(api, "conduct.spam", 6);

        var first = await alerts.CheckAsync(TestContext.Current.CancellationToken);
        var second = await alerts.CheckAsync(TestContext.Current.CancellationToken);

        var spike = Assert.Single(first, a => a.Kind == "spike");
        Assert.Equal("conduct", spike.Queue);
        Assert.Contains("6 cases in the last two hours, against 2", spike.Text, StringComparison.Ordinal);
        Assert.Empty(second);
        var shown = Assert.Single(raised, a => a.Text == spike.Text);
        Assert.Equal(Permissions.MetricsRead, shown.Permission);
        var deliveries = await _app.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.EventType == WebhookEvents.MonitorAlert).ToListAsync());
        var delivery = Assert.Single(deliveries, d => d.Payload.Contains("\"queue\":\"conduct\"", StringComparison.Ordinal));
        Assert.Contains("\"kind\":\"spike\"", delivery.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_ShowsOpenS1s_AndWhoIsOnShiftWithTheirLoad()
    {
        var api = await _app.CreateApiClientAsync();
        var agent = await _app.CreateUserAsync(UserRole.Agent);
        var offShift = await _app.CreateUserAsync(UserRole.Agent);
        await _app.CreateSessionClientAsync(agent.Id);
        var s1 = (await ReportAsync(api, "payments.account_takeover", 1))[0];
        var lead = await _app.CreateUserClientAsync(UserRole.Lead);
        await (await lead.PatchJsonAsync($"/api/v1/cases/{s1}", new { assignee = agent.Email }, await ETagAsync(lead, s1))).ExpectAsync(HttpStatusCode.OK);

        await using var scope = _app.Services.CreateAsyncScope();
        var view = await scope.ServiceProvider.GetRequiredService<LoadMonitor>().LoadAsync(TestContext.Current.CancellationToken);

        Assert.Contains(view.Urgent, c => c.Id == s1 && c.Assignee == agent.Email);
        var load = Assert.Single(view.Load, a => a.Agent == agent.Email);
        Assert.True(load.OnShift);
        Assert.Equal(1, load.OpenS1);
        Assert.DoesNotContain(view.Load, a => a.Agent == offShift.Email);
    }

    [Fact]
    public async Task RatingsCsv_AnAgentReadsOnlyTheirOwn_ALeadAnyones()
    {
        var agent = await _app.CreateUserAsync(UserRole.Agent);
        var client = await _app.CreateSessionClientAsync(agent.Id);
        var lead = await _app.CreateUserClientAsync(UserRole.Lead);

        var own = await client.GetAsync("/api/v1/metrics/ratings.csv", TestContext.Current.CancellationToken);
        var someoneElse = await client.GetAsync("/api/v1/metrics/ratings.csv?agent=lead@example.com", TestContext.Current.CancellationToken);
        var byLead = await lead.GetAsync($"/api/v1/metrics/ratings.csv?agent={Uri.EscapeDataString(agent.Email)}", TestContext.Current.CancellationToken);
        var rules = await lead.GetAsync("/api/v1/metrics/trust-safety.csv?table=rules", TestContext.Current.CancellationToken);
        var badTable = await lead.GetAsync("/api/v1/metrics/trust-safety.csv?table=secrets", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.StartsWith("answered,case,score,comment", await own.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await someoneElse.ExpectProblemAsync(HttpStatusCode.BadRequest, "agent");
        Assert.Equal(HttpStatusCode.OK, byLead.StatusCode);
        Assert.StartsWith("rule,cases,solved,kept,precision,actioned", await rules.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await badTable.ExpectProblemAsync(HttpStatusCode.BadRequest, "table");
    }

    private static async Task<string> ETagAsync(HttpClient client, long id)
    {
        var response = await client.GetAsync($"/api/v1/cases/{id}", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.Tag;
    }

    private async Task<List<long>> ReportAsync(HttpClient api, string category, int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(5));
            var created = await (await api.PostJsonAsync("/api/v1/reports",
                new { subject = new { kind = "account", externalId = "m-" + Guid.NewGuid().ToString("N")[..12] }, category, text = "Report." }))
                .ExpectAsync(HttpStatusCode.Created);
            ids.Add(created.Long("caseId"));
        }

        return ids;
    }
}

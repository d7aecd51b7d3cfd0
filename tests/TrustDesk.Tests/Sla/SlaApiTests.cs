using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.Sla;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Sla;

/// <summary>An app whose clock the tests move, from Monday 2026-03-02 10:00 in Los Angeles (18:00 UTC), inside team hours.</summary>
public sealed class SlaSqliteApp : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.Zero));

    public TrustDeskFactory Factory { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Sqlite, null, time: Time);
        _ = Factory.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <inheritdoc cref="SlaSqliteApp"/>
public sealed class SlaPostgresApp(PostgresServer server) : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.Zero));

    public TrustDeskFactory Factory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Postgres, await server.CreateDatabaseAsync(), time: Time);
        _ = Factory.Server;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>The SLA contract of the cases API: dueAt, slaState, sla; sort=due; breaches recorded; against both providers.</summary>
public abstract class SlaApiTests(TrustDeskFactory app, FakeTimeProvider time)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    /// <summary>A report through the intake writer (the path most cases open by).</summary>
    private static async Task<long> ReportAsync(HttpClient client, string category) =>
        (await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = Unique("u") }, category, text = "Report." }))
            .ExpectAsync(HttpStatusCode.Created)).Long("caseId");

    private static JsonElement Target(JsonElement c, string kind) => c.GetProperty("sla").EnumerateArray().Last(t => t.Str("kind") == kind);

    private static DateTime Date(JsonElement e, string property) => e.GetProperty(property).GetDateTime().ToUniversalTime();

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task Report_S1_FirstReplyDueIn15Minutes()
    {
        var client = await app.CreateApiClientAsync();
        var opened = Now;

        var id = await ReportAsync(client, "conduct.threats_violence");
        var c = await client.GetJsonAsync($"/api/v1/cases/{id}");

        Assert.Equal("S1", c.Str("severity"));
        Assert.Equal(opened.AddMinutes(15), Date(c, "dueAt"));
        Assert.Equal("ok", c.Str("slaState"));
        var first = Target(c, "first_reply");
        Assert.Equal(opened.AddMinutes(15), Date(first, "dueAt"));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("metAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("breachedAt").ValueKind);
        Assert.False(first.GetProperty("paused").GetBoolean());
        Assert.Equal(opened.AddHours(4), Date(Target(c, "resolution"), "dueAt"));
    }

    [Fact]
    public async Task Reply_RecordsFirstReplyMet()
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, "conduct.threats_violence");
        var opened = Now;

        await (await client.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "reply", text = "We are on it." })).ExpectAsync(HttpStatusCode.Created);
        var c = await client.GetJsonAsync($"/api/v1/cases/{id}");

        Assert.Equal(Now, Date(Target(c, "first_reply"), "metAt"));
        Assert.Equal(opened.AddHours(4), Date(c, "dueAt")); // the resolution is what is due now
    }

    [Fact]
    public async Task CaseLeftPastItsTarget_ShowsBreachedAndTheMonitorRecordsIt()
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, "safety.self_harm");
        var due = Now.AddMinutes(15);

        time.Advance(TimeSpan.FromMinutes(16));
        var c = await client.GetJsonAsync($"/api/v1/cases/{id}");
        var breachedList = await client.GetJsonAsync("/api/v1/cases?sla=breached&limit=200");
        await app.Services.GetRequiredService<SlaMonitor>().RunOnceAsync(TestContext.Current.CancellationToken);
        var recorded = await client.GetJsonAsync($"/api/v1/cases/{id}");

        Assert.Equal("breached", c.Str("slaState"));
        Assert.Equal(due, Date(Target(c, "first_reply"), "breachedAt"));
        Assert.Contains(breachedList.GetProperty("items").EnumerateArray(), x => x.Long("id") == id && x.Str("slaState") == "breached");
        Assert.Contains(recorded.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "sla_breached" && e.Str("to") == "first_reply");
        Assert.Equal("breached", recorded.Str("slaState"));
    }

    [Fact]
    public async Task PendingUser_PausesTheClock_ReopenResumesIt()
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, "payments.stolen_card"); // S2: first reply in 1 hour around the clock
        var opened = Now;

        time.Advance(TimeSpan.FromMinutes(20));
        var paused = await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { status = "pending_user" })).ExpectAsync(HttpStatusCode.OK);
        time.Advance(TimeSpan.FromHours(5));
        var resumed = await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { status = "open" })).ExpectAsync(HttpStatusCode.OK);

        Assert.True(Target(paused, "first_reply").GetProperty("paused").GetBoolean());
        Assert.Equal(JsonValueKind.Null, paused.GetProperty("dueAt").ValueKind);
        // 20 minutes used before the pause: 40 left from now, five hours after it was opened.
        Assert.Equal(opened.AddHours(5).AddMinutes(20 + 40), Date(Target(resumed, "first_reply"), "dueAt"));
        Assert.Equal("ok", resumed.Str("slaState"));
    }

    [Fact]
    public async Task SortDue_ListsOpenCasesByDueTimeNullsLast()
    {
        var client = await app.CreateApiClientAsync();
        var spam = await ReportAsync(client, "conduct.spam"); // S4: 24 business hours
        var threat = await ReportAsync(client, "conduct.threats_violence"); // S1: 15 minutes
        var scam = await ReportAsync(client, "payments.stolen_card"); // S2: 1 hour
        var waiting = await ReportAsync(client, "payments.stolen_card");
        await (await client.PatchJsonAsync($"/api/v1/cases/{waiting}", new { status = "pending_user" })).ExpectAsync(HttpStatusCode.OK);

        var ids = new List<long>();
        var dues = new List<DateTime?>();
        string? cursor = null;
        do
        {
            var page = await client.GetJsonAsync("/api/v1/cases?sort=due&limit=3" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                ids.Add(item.Long("id"));
                dues.Add(item.GetProperty("dueAt").ValueKind == JsonValueKind.Null ? null : Date(item, "dueAt"));
                Assert.NotEqual("solved", item.Str("status"));
            }

            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.True(ids.IndexOf(threat) < ids.IndexOf(scam) && ids.IndexOf(scam) < ids.IndexOf(spam), string.Join(",", ids));
        Assert.True(ids.IndexOf(waiting) > ids.IndexOf(spam));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var withDue = dues.TakeWhile(d => d is not null).ToList();
        Assert.Equal(withDue.Order(), withDue);
        Assert.All(dues.Skip(withDue.Count), d => Assert.Null(d));
    }

    [Fact]
    public async Task UpdateCase_AssigneeNotAUser_Returns400Problem()
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, "conduct.spam");

        var response = await client.PatchJsonAsync($"/api/v1/cases/{id}", new { assignee = "mayaa@example.test" });

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "assignee");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ListCases_UnknownSlaFilter_Returns400Problem()
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.GetAsync("/api/v1/cases?sla=late", TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "sla");
    }
}

public sealed class SqliteSlaApiTests(SlaSqliteApp app) : SlaApiTests(app.Factory, app.Time), IClassFixture<SlaSqliteApp>;

public sealed class PostgresSlaApiTests(SlaPostgresApp app) : SlaApiTests(app.Factory, app.Time), IClassFixture<SlaPostgresApp>;

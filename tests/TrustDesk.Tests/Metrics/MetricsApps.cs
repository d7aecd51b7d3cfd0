using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.AgentConsole;
using TrustDesk.Identity;
using TrustDesk.Metrics;
using TrustDesk.Sla;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Metrics;

/// <summary>An app whose clock the tests move, from Tuesday 2026-03-03 14:00 UTC.</summary>
public sealed class MetricsSqliteApp : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 3, 14, 0, 0, TimeSpan.Zero));

    public TrustDeskFactory Factory { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Sqlite, null, MetricsScenario.Settings, time: Time);
        _ = Factory.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <inheritdoc cref="MetricsSqliteApp"/>
public sealed class MetricsPostgresApp(PostgresServer server) : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 3, 14, 0, 0, TimeSpan.Zero));

    public TrustDeskFactory Factory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Postgres, await server.CreateDatabaseAsync(), MetricsScenario.Settings, time: Time);
        _ = Factory.Server;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>
/// A day at the desk through the real paths: reports through the intake writer (some joining a case), assignment, replies
/// (one late for an S1), a breach the monitor records, solving, reopening, an escalation, a queue move and a severity
/// change. Each step a few seconds after the last, as people work.
/// </summary>
public sealed class MetricsScenario(TrustDeskFactory app, FakeTimeProvider time)
{
    /// <summary>The breach monitor runs when the test says (its timer would race the fake clock).</summary>
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Sla:MonitorInterval"] = "1.00:00:00",
    };

    public string AgentEmail { get; private set; } = "";

    public List<long> Cases { get; } = [];

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private void Tick(int seconds = 7) => time.Advance(TimeSpan.FromSeconds(seconds));

    public async Task RunAsync()
    {
        var api = await app.CreateApiClientAsync();
        var agent = await app.CreatePrincipalAsync(UserRole.Agent);
        AgentEmail = agent.Identity!.Name!;

        async Task<long> ReportAsync(string category, string? subject = null)
        {
            Tick();
            var created = await (await api.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = subject ?? Unique("u") }, category, text = "Report." }))
                .ExpectAsync(HttpStatusCode.Created);
            return created.Long("caseId");
        }

        async Task PatchAsync(long id, object body)
        {
            Tick();
            await (await api.PatchJsonAsync($"/api/v1/cases/{id}", body)).ExpectAsync(HttpStatusCode.OK);
        }

        async Task<bool> HandleAsync(long id, int seconds)
        {
            Tick();
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<RecordHandleTime>().HandleAsync(id, seconds, agent, TestContext.Current.CancellationToken);
        }

        async Task ReplyAsync(long id)
        {
            Tick();
            await (await api.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "reply", text = "We are looking into it." })).ExpectAsync(HttpStatusCode.Created);
        }

        var repeated = Unique("seller");
        var threat = await ReportAsync("conduct.threats_violence");
        var scam = await ReportAsync("payments.stolen_card");
        var parcel = await ReportAsync("order.not_received", repeated);
        var second = await ReportAsync("order.not_received");
        var spam = await ReportAsync("conduct.spam");
        Assert.Equal(parcel, await ReportAsync("order.not_received", repeated)); // joins the open case
        var unanswered = await ReportAsync("safety.self_harm");
        Cases.AddRange([threat, scam, parcel, second, spam, unanswered]);

        await PatchAsync(parcel, new { assignee = AgentEmail });
        // The agent works the case in the console for three minutes (a glance of three seconds is not work).
        Assert.True(await HandleAsync(parcel, 180));
        Assert.False(await HandleAsync(parcel, 3));
        await ReplyAsync(parcel);
        time.Advance(TimeSpan.FromMinutes(20)); // the S1s' 15 minutes are up
        await ReplyAsync(threat); // met late: a breach recorded as it is met
        await ReplyAsync(parcel); // a second reply is not a first reply
        await app.Services.GetRequiredService<SlaMonitor>().RunOnceAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(1));
        await PatchAsync(parcel, new { status = "solved", resolution = "actioned" });
        time.Advance(TimeSpan.FromMinutes(30));
        await PatchAsync(parcel, new { status = "open" });
        await (await api.PostJsonAsync($"/api/v1/cases/{scam}/escalations", new { department = "payments" })).ExpectAsync(HttpStatusCode.Created);
        await PatchAsync(spam, new { queue = "triage", severity = "S3" });
        await ReplyAsync(spam);
        time.Advance(TimeSpan.FromHours(2));
        await PatchAsync(parcel, new { status = "solved", resolution = "actioned", assignee = "" });
        await PatchAsync(second, new { status = "solved", resolution = "no_violation" });
        Tick();
    }

    /// <summary>Every rollup row, keyed, with its counters, for comparing the live rows with a rebuild's.</summary>
    public static async Task<List<string>> RowsAsync(TrustDeskFactory app) => await app.WithDbAsync(async db =>
        (await db.MetricRollups.AsNoTracking().ToListAsync()).Select(Describe).Order(StringComparer.Ordinal).ToList());

    public static string Describe(MetricRollup row) =>
        string.Join("|", typeof(MetricRollup).GetProperties().Where(p => p.CanWrite).Select(p => p.GetValue(row) switch
        {
            DateTime at => $"{p.Name}={at:O}",
            var value => $"{p.Name}={value}",
        }));
}

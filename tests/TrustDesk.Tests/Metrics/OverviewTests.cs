using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.Cases;
using TrustDesk.Identity;
using TrustDesk.Metrics;
using TrustDesk.Queues;
using TrustDesk.Taxonomy;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Metrics;

/// <summary>
/// <c>GET /api/v1/metrics/overview</c>: every figure it reads from the rollups is computed here again from the raw cases,
/// events and targets, and must agree (percentiles: in the same histogram bucket as the exact value).
/// </summary>
public abstract class OverviewTests(TrustDeskFactory app, FakeTimeProvider time)
{
    private const string Period = "from=2026-03-01&to=2026-03-10";

    private static readonly HashSet<CaseStatus> Closed = [CaseStatus.Solved, CaseStatus.Closed];

    [Fact]
    public async Task Overview_AfterADayOfWork_AgreesWithTheCases()
    {
        await new MetricsScenario(app, time).RunAsync();
        var lead = await app.CreateUserClientAsync(UserRole.Lead);

        var overview = await lead.GetJsonAsync($"/api/v1/metrics/overview?{Period}&tz=UTC");

        var (cases, events, targets) = await RawAsync();
        var from = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var to = new DateTime(2026, 3, 11, 0, 0, 0, DateTimeKind.Utc);
        bool In(DateTime at) => at >= from && at < to;
        Assert.Equal(cases.Count(c => !Closed.Contains(c.Status)), overview.Int("open"));
        Assert.Equal(cases.Count(c => c.Status == CaseStatus.New), overview.Int("new"));
        Assert.Equal(cases.Count(c => In(c.CreatedAt)), overview.Int("created"));
        Assert.Equal(events.Count(e => e.Kind == CaseEventKinds.StatusChanged && e.To == "solved" && In(e.At)), overview.Int("solved"));
        Assert.Equal(events.Count(e => e.Kind == CaseEventKinds.SlaBreached && In(e.At)), overview.Int("slaBreaches"));
        var replied = cases.Where(c => c.FirstRepliedAt is { } at && In(at)).Select(c => (c.FirstRepliedAt!.Value - c.CreatedAt).TotalMinutes).Order().ToList();
        Assert.Equal(replied.Count, overview.Int("firstReplies"));
        AssertSameBucket(replied, 0.5, overview.GetProperty("firstReplyP50Minutes").GetDouble());
        AssertSameBucket(replied, 0.9, overview.GetProperty("firstReplyP90Minutes").GetDouble());
        Assert.Equal(Math.Round(replied.Sum() / replied.Count, 1), overview.GetProperty("firstReplyAverageMinutes").GetDouble(), 0.1);
        var met = targets.Where(t => t.MetAt is { } at && In(at)).ToList();
        Assert.Equal(Math.Round((double)met.Count(t => t.BreachedAt is null) / met.Count, 4), overview.GetProperty("slaAttainment").GetDouble(), 4);
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("csatAverage").ValueKind);
        var queues = await app.WithDbAsync(db => db.Queues.AsNoTracking().ToListAsync());
        foreach (var queue in overview.GetProperty("byQueue").EnumerateArray())
        {
            var id = queues.Single(q => q.Name == queue.Str("queue")).Id;
            Assert.Equal(cases.Count(c => c.QueueId == id && !Closed.Contains(c.Status)), queue.Int("open"));
        }

        Assert.Equal(overview.Int("created"), overview.GetProperty("series").EnumerateArray().Sum(p => p.Int("created")));
        Assert.Equal(10, overview.GetProperty("series").GetArrayLength()); // ten days, 1 to 10 March
    }

    [Fact]
    public async Task Overview_NarrowedToAQueueAndASeverity_CountsOnlyThose()
    {
        await new MetricsScenario(app, time).RunAsync();
        var lead = await app.CreateUserClientAsync(UserRole.Lead);

        var orders = await lead.GetJsonAsync($"/api/v1/metrics/overview?{Period}&queue=orders");
        var s1 = await lead.GetJsonAsync($"/api/v1/metrics/overview?{Period}&severity=S1");

        var (cases, events, _) = await RawAsync();
        var ordersId = await app.WithDbAsync(db => db.Queues.Where(q => q.Name == "orders").Select(q => q.Id).SingleAsync());
        // Where each case was opened: where it is now, unless it moved (the scenario moves one case out of conduct).
        bool Moved(Case c, string kind) => events.Any(e => e.CaseId == c.Id && e.Kind == kind);
        Assert.Equal(cases.Count(c => c.QueueId == ordersId && !Moved(c, CaseEventKinds.QueueChanged)), orders.Int("created"));
        Assert.Equal(cases.Count(c => c.QueueId == ordersId && !Closed.Contains(c.Status)), orders.Int("open"));
        Assert.Equal("orders", Assert.Single(orders.GetProperty("byQueue").EnumerateArray()).Str("queue"));
        Assert.Equal(cases.Count(c => c.Severity == Severity.S1 && !Moved(c, CaseEventKinds.SeverityChanged)), s1.Int("created"));
        Assert.True(s1.Int("created") > 0);
        Assert.Equal(cases.Count(c => c.Severity == Severity.S1 && !Closed.Contains(c.Status)), s1.Int("open"));
    }

    [Fact]
    public async Task EveryFigure_IsTheSumOfTheCasesItDrillsInto()
    {
        await new MetricsScenario(app, time).RunAsync();
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var overview = await lead.GetJsonAsync($"/api/v1/metrics/overview?{Period}");
        var orders = await lead.GetJsonAsync($"/api/v1/metrics/overview?{Period}&queue=orders");

        foreach (var measure in (string[])["open", "created", "reports", "solved", "reopened", "firstReplies", "slaBreaches", "slaMet", "slaMissed", "escalations"])
        {
            var list = await lead.GetJsonAsync($"/api/v1/metrics/cases?measure={measure}&{Period}");
            var inOrders = await lead.GetJsonAsync($"/api/v1/metrics/cases?measure={measure}&{Period}&queue=orders");

            Assert.True(overview.Int(measure) == list.Int("total"), $"{measure}: figure {overview.Int(measure)}, list {list.Int("total")}");
            Assert.Equal(list.Int("total"), list.GetProperty("cases").EnumerateArray().Sum(c => c.Int("count")));
            Assert.True(orders.Int(measure) == inOrders.Int("total"), $"{measure} in orders: figure {orders.Int(measure)}, list {inOrders.Int("total")}");
            Assert.All(inOrders.GetProperty("cases").EnumerateArray(), c => Assert.True(measure != "open" || c.Str("queue") == "orders"));
        }

        Assert.True(overview.Int("slaBreaches") > 0 && overview.Int("reopened") > 0 && overview.Int("escalations") > 0);
    }

    [Fact]
    public async Task DrillDown_WithoutMetricsRead_OnlyTheCallersOwnCases()
    {
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var client = await app.CreateSessionClientAsync(agent.Id);

        var everyone = await client.GetAsync($"/api/v1/metrics/cases?measure=solved&{Period}", TestContext.Current.CancellationToken);
        var someoneElse = await client.GetAsync($"/api/v1/metrics/cases?measure=solved&{Period}&agent=lead@example.com", TestContext.Current.CancellationToken);
        var own = await client.GetAsync($"/api/v1/metrics/cases?measure=solved&{Period}&agent={Uri.EscapeDataString(agent.Email)}", TestContext.Current.CancellationToken);

        await everyone.ExpectProblemAsync(HttpStatusCode.BadRequest, "agent");
        await someoneElse.ExpectProblemAsync(HttpStatusCode.BadRequest, "agent");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task Csv_OfQueuesAndOfCases_IsSpreadsheetSafe()
    {
        var api = await app.CreateApiClientAsync();
        var created = await (await api.PostJsonAsync("/api/v1/cases", new { title = "=HYPERLINK(\"http://evil.example\",\"x\")", category = "conduct.spam", text = "Hi" }))
            .ExpectAsync(HttpStatusCode.Created);
        var lead = await app.CreateUserClientAsync(UserRole.Lead);

        var queues = await lead.GetAsync($"/api/v1/metrics/overview.csv?table=queues&{Period}", TestContext.Current.CancellationToken);
        var cases = await lead.GetAsync($"/api/v1/metrics/cases.csv?measure=open&{Period}", TestContext.Current.CancellationToken);
        var queuesText = await queues.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var casesText = await cases.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("text/csv", queues.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("queue,open,new,waiting,created,solved", queuesText, StringComparison.Ordinal);
        Assert.Equal(11, queuesText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length); // the header and ten queues
        Assert.Contains($"TD-{created.Long("id")},\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",new,S4,conduct.spam,conduct,", casesText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_DatesInATimeZone_CountThatZonesDays()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);

        var day = await lead.GetJsonAsync("/api/v1/metrics/overview?from=2026-03-03&to=2026-03-03&tz=America/Los_Angeles");
        var summer = await lead.GetJsonAsync("/api/v1/metrics/overview?from=2026-07-01&to=2026-07-02&tz=Europe/Berlin&interval=day");

        Assert.Equal(new DateTime(2026, 3, 3, 8, 0, 0, DateTimeKind.Utc), day.GetProperty("from").GetDateTime().ToUniversalTime());
        Assert.Equal(new DateTime(2026, 3, 4, 8, 0, 0, DateTimeKind.Utc), day.GetProperty("to").GetDateTime().ToUniversalTime());
        Assert.Equal("hour", day.Str("interval"));
        Assert.Equal(24, day.GetProperty("series").GetArrayLength());
        Assert.Equal("day", summer.Str("interval"));
        Assert.Equal(new DateTime(2026, 6, 30, 22, 0, 0, DateTimeKind.Utc), summer.GetProperty("from").GetDateTime().ToUniversalTime());
        Assert.Equal(new DateTime(2026, 6, 30, 22, 0, 0, DateTimeKind.Utc), summer.GetProperty("series")[0].GetProperty("start").GetDateTime().ToUniversalTime());
        Assert.Equal(2, summer.GetProperty("series").GetArrayLength());
    }

    [Theory]
    [InlineData("from=yesterday&to=2026-03-04", "from")]
    [InlineData("from=2026-03-01&to=2026-13-45", "to")]
    [InlineData("from=2026-03-01T25:00Z&to=2026-03-04", "from")]
    [InlineData("from=2026-03-05&to=2026-03-01", "from")]
    [InlineData("from=2026-03-05T10:00Z&to=2026-03-05T10:00Z", "from")]
    [InlineData("from=2024-01-01&to=2026-03-01", "to")]
    [InlineData("from=2026-03-01&to=2026-03-04&tz=Mars/Olympus_Mons", "tz")]
    [InlineData("from=2026-03-01&to=2026-03-04&queue=nowhere", "queue")]
    [InlineData("from=2026-03-01&to=2026-03-04&severity=S9", "severity")]
    [InlineData("from=2026-03-01&to=2026-03-04&channel=fax", "channel")]
    [InlineData("from=2026-03-01&to=2026-03-04&interval=week", "interval")]
    public async Task Overview_BadParameter_Answers400NamingIt(string query, string field)
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);

        var response = await lead.GetAsync("/api/v1/metrics/overview?" + query, TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Overview_AnApiKeyWithMetricsRead_MayReadIt_AnAgentMayNot()
    {
        var scraper = await app.CreateApiClientAsync(Scopes.MetricsRead);
        var reporter = await app.CreateApiClientAsync(Scopes.ReportsWrite);
        var agent = await app.CreateUserClientAsync(UserRole.Agent);

        var allowed = await scraper.GetAsync("/api/v1/metrics/overview", TestContext.Current.CancellationToken);
        var refusedKey = await reporter.GetAsync("/api/v1/metrics/overview", TestContext.Current.CancellationToken);
        var refusedAgent = await agent.GetAsync("/api/v1/metrics/overview", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedAgent.StatusCode);
    }

    private Task<(List<Case> Cases, List<CaseEvent> Events, List<CaseTarget> Targets)> RawAsync() => app.WithDbAsync(async db => (
        await db.Cases.AsNoTracking().ToListAsync(),
        await db.CaseEvents.AsNoTracking().ToListAsync(),
        await db.CaseTargets.AsNoTracking().ToListAsync()));

    /// <summary>The exact quantile (nearest rank) lies in the histogram bucket the estimate was read from.</summary>
    private static void AssertSameBucket(List<double> sortedMinutes, double quantile, double estimate)
    {
        var exact = sortedMinutes[(int)Math.Ceiling(quantile * sortedMinutes.Count) - 1];
        var bucket = MetricRollup.BucketOf(TimeSpan.FromMinutes(exact));
        var lower = bucket == 0 ? 0 : MetricRollup.MinuteBuckets[bucket - 1];
        var upper = MetricRollup.MinuteBuckets[bucket];
        Assert.True(estimate >= lower && estimate <= upper, $"p{quantile * 100} estimated {estimate} min; exact {exact:F1} min, in [{lower}, {upper})");
    }
}

public sealed class SqliteOverviewTests(MetricsSqliteApp fixture) : OverviewTests(fixture.Factory, fixture.Time), IClassFixture<MetricsSqliteApp>;

public sealed class PostgresOverviewTests(MetricsPostgresApp fixture) : OverviewTests(fixture.Factory, fixture.Time), IClassFixture<MetricsPostgresApp>;

using TrustDesk.Cases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Text.Json;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Intake;

/// <summary>POST /api/v1/reports, run against both providers.</summary>
public abstract class ReportApiTests(TrustDeskFactory app)
{
    private static object Report(string subject, string? category = "order.not_received", string text = "Paid three weeks ago and nothing arrived.") =>
        new { subject = new { kind = "account", externalId = subject }, reporter = new { kind = "account", externalId = "u-reporter" }, category, text };

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task SubmitReport_NewSubject_OpensCaseWithCategoryDefaults()
    {
        var client = await app.CreateApiClientAsync();

        var json = await (await client.PostJsonAsync("/api/v1/reports", Report(Unique("u"), "authenticity.counterfeit"))).ExpectAsync(HttpStatusCode.Created);

        Assert.True(json.GetProperty("caseCreated").GetBoolean());
        Assert.Equal($"TD-{json.Long("caseId")}", json.Str("caseNumber"));
        var @case = await client.GetJsonAsync($"/api/v1/cases/{json.Long("caseId")}");
        Assert.Equal("S2", @case.Str("severity"));
        Assert.Equal("authenticity.counterfeit", @case.Str("category"));
        Assert.Equal("authenticity", @case.Str("queue"));
        Assert.Equal("new", @case.Str("status"));
        Assert.Equal(1, @case.Int("reportCount"));
        Assert.Equal("report", @case.Str("channel"));
        Assert.Contains(@case.GetProperty("messages").EnumerateArray(), m => m.Str("text").Contains("nothing arrived", StringComparison.Ordinal));
        Assert.Contains(@case.GetProperty("subjects").EnumerateArray(), s => s.Str("role") == "reported");
        Assert.Contains(@case.GetProperty("subjects").EnumerateArray(), s => s.Str("role") == "reporter" && s.Str("externalId") == "u-reporter");
    }

    [Fact]
    public async Task SubmitReport_TellsOpenConsoles_OnceTheCaseIsCommitted()
    {
        var client = await app.CreateApiClientAsync();
        var subject = Unique("u");
        var seen = new List<(long[] Ids, bool CaseVisible)>();
        void OnChanged(IReadOnlyCollection<long> ids)
        {
            // Read on another connection, as an open console does: the case must already be committed.
            using var scope = app.Services.CreateScope();
            var visible = scope.ServiceProvider.GetRequiredService<TrustDesk.Data.TrustDeskDb>().Cases.Any(c => ids.Contains(c.Id) && c.Title.Contains(subject));
            lock (seen)
            {
                seen.Add((ids.ToArray(), visible));
            }
        }

        var changes = app.Services.GetRequiredService<TrustDesk.Cases.CaseChanges>();
        changes.Changed += OnChanged;
        JsonElement first, second;
        int afterFirst;
        try
        {
            first = await (await client.PostJsonAsync("/api/v1/reports", Report(subject))).ExpectAsync(HttpStatusCode.Created);
            lock (seen)
            {
                afterFirst = seen.Count(s => s.Ids.Contains(first.Long("caseId")));
            }

            second = await (await client.PostJsonAsync("/api/v1/reports", Report(subject))).ExpectAsync(HttpStatusCode.Created);
        }
        finally
        {
            changes.Changed -= OnChanged;
        }

        // Signalled for the new case, and again for the report that joined it; each time already readable.
        lock (seen)
        {
            Assert.True(afterFirst >= 1);
            Assert.True(seen.Count(s => s.Ids.Contains(first.Long("caseId"))) > afterFirst);
            Assert.All(seen.Where(s => s.Ids.Contains(first.Long("caseId"))), s => Assert.True(s.CaseVisible));
        }

        Assert.Equal(first.Long("caseId"), second.Long("caseId"));
    }

    [Fact]
    public async Task SubmitReport_SameSubjectAndCategory_JoinsOpenCase()
    {
        var client = await app.CreateApiClientAsync();
        var subject = Unique("u");

        var first = await (await client.PostJsonAsync("/api/v1/reports", Report(subject))).ExpectAsync(HttpStatusCode.Created);
        var second = await (await client.PostJsonAsync("/api/v1/reports", Report(subject))).ExpectAsync(HttpStatusCode.Created);
        var otherCategory = await (await client.PostJsonAsync("/api/v1/reports", Report(subject, "conduct.harassment"))).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(first.Long("caseId"), second.Long("caseId"));
        Assert.False(second.GetProperty("caseCreated").GetBoolean());
        Assert.Equal(2, second.Int("reportCount"));
        Assert.NotEqual(first.Long("caseId"), otherCategory.Long("caseId"));
    }

    [Fact]
    public async Task SubmitReport_AfterCaseSolved_OpensNewCase()
    {
        var client = await app.CreateApiClientAsync();
        var subject = Unique("u");
        var first = await (await client.PostJsonAsync("/api/v1/reports", Report(subject))).ExpectAsync(HttpStatusCode.Created);
        await (await client.PatchJsonAsync($"/api/v1/cases/{first.Long("caseId")}", new { status = "solved" })).ExpectAsync(HttpStatusCode.OK);

        var next = await (await client.PostJsonAsync("/api/v1/reports", Report(subject))).ExpectAsync(HttpStatusCode.Created);

        Assert.NotEqual(first.Long("caseId"), next.Long("caseId"));
        Assert.True(next.GetProperty("caseCreated").GetBoolean());
    }

    [Fact]
    public async Task SubmitReport_ManyAtOnceAboutOneSubject_OneCaseCountsAll()
    {
        var client = await app.CreateApiClientAsync();
        var subject = Unique("ls");
        var body = new { subject = new { kind = "livestream", externalId = subject }, category = "conduct.hate", text = "Slurs in chat right now." };

        var responses = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => client.PostJsonAsync("/api/v1/reports", body)));

        var caseIds = new HashSet<long>();
        foreach (var response in responses)
        {
            caseIds.Add((await response.ExpectAsync(HttpStatusCode.Created)).Long("caseId"));
        }

        var single = Assert.Single(caseIds);
        Assert.Equal(25, (await client.GetJsonAsync($"/api/v1/cases/{single}")).Int("reportCount"));
    }

    [Fact]
    public async Task SubmitReport_SameReporterTwice_JoinsTheCaseOnce()
    {
        var client = await app.CreateApiClientAsync();
        var subject = Unique("u");
        await (await client.PostJsonAsync("/api/v1/reports", Report(subject))).ExpectAsync(HttpStatusCode.Created);

        var again = await (await client.PostJsonAsync("/api/v1/reports", Report(subject))).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(2, again.Int("reportCount"));
        var caseId = again.Long("caseId");
        Assert.Equal(2, await app.WithDbAsync(db => db.CaseSubjects.CountAsync(s => s.CaseId == caseId)));
    }

    [Fact]
    public async Task SubmitReport_ManyAtOnceAcrossSubjects_EveryAcknowledgedReportIsStoredInItsCase()
    {
        var client = await app.CreateApiClientAsync();
        var prefix = Unique("many");

        // Enough at once that the writer commits them in groups, with new and existing cases in the same group.
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => client.PostJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "account", externalId = $"{prefix}-{i % 25}" },
            reporter = new { kind = "account", externalId = $"{prefix}-r{i}" },
            category = "order.not_received",
            text = "My order never arrived.",
        })));

        var acknowledged = new List<(Guid ReportId, long CaseId)>();
        foreach (var response in responses)
        {
            var json = await response.ExpectAsync(HttpStatusCode.Created);
            acknowledged.Add((json.GetProperty("reportId").GetGuid(), json.Long("caseId")));
        }

        Assert.Equal(25, acknowledged.Select(a => a.CaseId).Distinct().Count());
        var stored = await app.WithDbAsync(db =>
        {
            var ids = acknowledged.Select(a => a.ReportId).ToList();
            return db.Reports.Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.CaseId);
        });
        Assert.All(acknowledged, a => Assert.Equal(a.CaseId, stored[a.ReportId]));
        var caseIds = acknowledged.Select(a => a.CaseId).Distinct().ToList();
        Assert.Equal(200, await app.WithDbAsync(db => db.Cases.Where(c => caseIds.Contains(c.Id)).SumAsync(c => c.ReportCount)));
    }

    [Fact]
    public async Task SubmitReport_SameIdempotencyKey_ReturnsFirstResult()
    {
        var client = await app.CreateApiClientAsync();
        var body = Report(Unique("u"));
        var key = Guid.NewGuid().ToString();

        var first = await (await client.PostJsonAsync("/api/v1/reports", body, key)).ExpectAsync(HttpStatusCode.Created);
        var replay = await (await client.PostJsonAsync("/api/v1/reports", body, key)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(first.Str("reportId"), replay.Str("reportId"));
        Assert.Equal(first.Long("caseId"), replay.Long("caseId"));
        Assert.Equal(first.Str("caseNumber"), replay.Str("caseNumber"));
        Assert.Equal(1, (await client.GetJsonAsync($"/api/v1/cases/{first.Long("caseId")}")).Int("reportCount"));
    }

    [Fact]
    public async Task SubmitReport_SameIdempotencyKeyAtOnce_StoresOneReport()
    {
        var client = await app.CreateApiClientAsync();
        var body = Report(Unique("u"));
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostJsonAsync("/api/v1/reports", body, key)));

        var reportIds = new HashSet<string>();
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, response.StatusCode.ToString());
            reportIds.Add((await response.JsonAsync()).Str("reportId"));
        }

        Assert.Single(reportIds);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
    }

    [Fact]
    public async Task SubmitReport_SameIdempotencyKeyOtherBody_Returns422()
    {
        var client = await app.CreateApiClientAsync();
        var key = Guid.NewGuid().ToString();
        await (await client.PostJsonAsync("/api/v1/reports", Report(Unique("u")), key)).ExpectAsync(HttpStatusCode.Created);

        var response = await client.PostJsonAsync("/api/v1/reports", Report(Unique("u")), key);

        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task SubmitReport_IdempotencyKeysOfTwoClients_DoNotCollide()
    {
        var first = await app.CreateApiClientAsync();
        var second = await app.CreateApiClientAsync();
        var key = Guid.NewGuid().ToString();

        var a = await (await first.PostJsonAsync("/api/v1/reports", Report(Unique("u")), key)).ExpectAsync(HttpStatusCode.Created);
        var b = await (await second.PostJsonAsync("/api/v1/reports", Report(Unique("u")), key)).ExpectAsync(HttpStatusCode.Created);

        Assert.NotEqual(a.Str("reportId"), b.Str("reportId"));
    }

    [Fact]
    public async Task SubmitReport_WithoutCategory_LandsInTriageQueue()
    {
        var client = await app.CreateApiClientAsync();

        var json = await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "order", externalId = Unique("o") }, text = "Something is off with this order." }))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("triage", json.Str("queue"));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("category").ValueKind);
    }

    [Theory]
    [InlineData("""{"text":"no subject"}""", "subject")]
    [InlineData("""{"subject":{"kind":"acount","externalId":"u-1"},"text":"x"}""", "subject.kind")]
    [InlineData("""{"subject":{"externalId":"u-1"},"text":"x"}""", "subject.kind")]
    [InlineData("""{"subject":{"kind":"account"},"text":"x"}""", "subject.externalId")]
    [InlineData("""{"subject":{"kind":"account","externalId":" u-1"},"text":"x"}""", "subject.externalId")]
    [InlineData("""{"subject":{"kind":"account","externalId":"u-1"}}""", "text")]
    [InlineData("""{"subject":{"kind":"account","externalId":"u-1"},"text":"   "}""", "text")]
    [InlineData("""{"subject":{"kind":"account","externalId":"u-1"},"text":"x","category":"order.lost_in_space"}""", "category")]
    [InlineData("""{"subject":{"kind":"account","externalId":"u-1"},"text":"x","categroy":"order.not_received"}""", "categroy")]
    [InlineData("""{"subject":{"kind":"account","externalId":"u-1"},"text":42}""", "text")]
    [InlineData("""{"subject":{"kind":"account","externalId":"u-1"},"text":"x","evidence":["javascript:alert(1)"]}""", "evidence[0]")]
    [InlineData("""{"subject":{"kind":"account","externalId":"u-1"},"text":"x","reporter":{"kind":"account"}}""", "reporter.externalId")]
    [InlineData("""{"subject":{"kind":"account","externalId":"u-1"},"text":"bad \u0000 byte"}""", "text")]
    [InlineData("""{"subject":{"kind":"account","externalId":"u-1"},"text":"x",}""", "body")]
    [InlineData("""[1,2,3]""", "body")]
    [InlineData("""not json""", "body")]
    public async Task SubmitReport_Malformed_Returns400NamingTheField(string body, string field)
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/reports", body);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.DoesNotContain("TrustDesk.", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitReport_TextTooLong_Returns400()
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.PostJsonAsync("/api/v1/reports", Report("u-1", text: new string('a', 20_001)));

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "text");
    }

    [Fact]
    public async Task SubmitReport_BodyOverLimit_Returns413()
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/reports", JsonSerializer.Serialize(Report("u-1", text: new string('a', 1_100_000))));

        await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task SubmitReport_BadIdempotencyKey_Returns400()
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.PostJsonAsync("/api/v1/reports", Report("u-1"), new string('k', 200));

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "Idempotency-Key");
    }

    [Fact]
    public async Task SubmitReport_WithoutApiKey_Returns401Problem()
    {
        var client = app.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/reports", Report("u-1"));

        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Bearer td_notakey")]
    [InlineData("Bearer something-else")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task SubmitReport_WithInvalidCredentials_Returns401(string authorization)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        var response = await client.PostJsonAsync("/api/v1/reports", Report("u-1"));

        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SubmitReport_KeyWithoutReportsScope_Returns403()
    {
        var client = await app.CreateApiClientAsync("cases:read");

        var response = await client.PostJsonAsync("/api/v1/reports", Report("u-1"));

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteReportApiTests(SqliteApp app) : ReportApiTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresReportApiTests(PostgresApp app) : ReportApiTests(app.Factory), IClassFixture<PostgresApp>;

using System.Net;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Triage;

/// <summary>Writing, versioning, shadowing and back-testing rules through the API, against both providers.</summary>
public abstract class RuleApiTests(TrustDeskFactory app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task CreateRule_WithATypeError_IsRefusedWithLineAndColumn()
    {
        var client = await app.CreateApiClientAsync();
        var text = """
            - name: broken threshold
              on: report.received
              when: count("report", subject, ten) >= 5
              then: [severity S2]
            """;

        var response = await client.PostJsonAsync("/api/v1/rules", new { text });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "text");
        var diagnostic = Assert.Single(problem.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("broken threshold", diagnostic.Str("rule"));
        Assert.Equal(3, diagnostic.Int("line"));
        Assert.True(diagnostic.Int("column") > 20);
        Assert.Contains("line 3, column", problem.GetProperty("errors").GetProperty("text")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShadowRule_RecordsHitsAndChangesNothing_ThenActiveRuleActs()
    {
        var client = await app.CreateApiClientAsync();
        var word = "zq" + Guid.NewGuid().ToString("N")[..8];
        var name = "watch word " + word;
        var text = $$"""
            - name: {{name}}
              on: report.received
              when: text ~ regex("{{word}}")
              then: [severity S1, queue crisis, tag {{word}}]
            """;
        await (await client.PostJsonAsync("/api/v1/rules", new { text, state = "shadow" })).ExpectAsync(HttpStatusCode.Created);

        var shadowed = await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = Unique("u") }, category = "conduct.spam", text = $"buy {word} now" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await client.PostJsonAsync($"/api/v1/rules/{Uri.EscapeDataString(name)}/state", new { state = "active" })).ExpectAsync(HttpStatusCode.OK);
        var acted = await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = Unique("u") }, category = "conduct.spam", text = $"buy {word} now" }))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("S4", shadowed.Str("severity"));
        var shadowCase = await client.GetJsonAsync($"/api/v1/cases/{shadowed.Long("caseId")}");
        var hit = Assert.Single(shadowCase.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == name);
        Assert.True(hit.GetProperty("shadow").GetBoolean());
        Assert.DoesNotContain(word, shadowCase.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("S1", acted.Str("severity"));
        Assert.Equal("crisis", acted.Str("queue"));
        var history = await client.GetJsonAsync($"/api/v1/rules/{Uri.EscapeDataString(name)}");
        Assert.Equal([2, 1], history.GetProperty("versions").EnumerateArray().Select(v => v.Int("version")).ToArray());
        Assert.Equal(["active", "shadow"], history.GetProperty("versions").EnumerateArray().Select(v => v.Str("state")).ToArray());
    }

    [Fact]
    public async Task ListRules_ShowsTheDefaultPack()
    {
        var client = await app.CreateApiClientAsync("rules:read");

        var rules = await client.GetJsonAsync("/api/v1/rules");

        Assert.Contains(rules.EnumerateArray(), r => r.Str("name") == "self-harm disclosure" && r.Str("state") == "active");
        Assert.Contains(rules.EnumerateArray(), r => r.Str("name") == "report flood from one reporter" && r.Str("state") == "shadow");
    }

    [Fact]
    public async Task EditPackRule_ThroughTheApi_ReplacesItWithANewVersion()
    {
        var client = await app.CreateApiClientAsync();
        var pack = await client.GetJsonAsync("/api/v1/rules/hateful%20language");
        var text = pack.GetProperty("current").Str("text");

        var saved = await (await client.PutJsonAsync("/api/v1/rules/hateful%20language", new { text, state = "shadow" })).ExpectAsync(HttpStatusCode.OK);
        await (await client.PutJsonAsync("/api/v1/rules/hateful%20language", new { text, state = "active" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2, saved.Int("version"));
        Assert.Equal("shadow", saved.Str("state"));
    }

    [Fact]
    public async Task Backtest_OverStoredReports_ReportsHitsAndPrecisionAgainstDecisions()
    {
        var client = await app.CreateApiClientAsync();
        var word = "bt" + Guid.NewGuid().ToString("N")[..8];
        var caseIds = new List<long>();
        foreach (var text in new[] { $"{word} one", $"{word} two", $"{word} three", "nothing to see" })
        {
            var json = await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = Unique("u") }, category = "conduct.spam", text }))
                .ExpectAsync(HttpStatusCode.Created);
            caseIds.Add(json.Long("caseId"));
        }

        await (await client.PatchJsonAsync($"/api/v1/cases/{caseIds[0]}", new { status = "solved", resolution = "actioned" })).ExpectAsync(HttpStatusCode.OK);
        await (await client.PatchJsonAsync($"/api/v1/cases/{caseIds[1]}", new { status = "solved", resolution = "no_violation" })).ExpectAsync(HttpStatusCode.OK);
        var rule = $$"""
            - name: backtest {{word}}
              on: report.received
              when: text ~ regex("{{word}}")
              then: [severity S2]
            """;

        var result = await (await client.PostJsonAsync("/api/v1/rules/backtest", new { text = rule, from = DateTimeOffset.UtcNow.AddHours(-1), to = DateTimeOffset.UtcNow.AddMinutes(1) }))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(3, result.Int("hits"));
        Assert.Equal(2, result.Int("decided"));
        Assert.Equal(0.5, result.GetProperty("precision").GetDouble());
        Assert.True(result.Int("evaluated") >= 4);
    }

    [Theory]
    [InlineData("""{"name":"x","text":"y"}""", "name")]
    [InlineData("""{}""", "name")]
    [InlineData("""{"name":"self-harm disclosure","from":"2026-11-02T00:00:00Z","to":"2026-11-01T00:00:00Z"}""", "from")]
    [InlineData("""{"text":"- name: x\n  on: report.received\n  when: text ~ lexicon(\"nope\")\n  then: [severity S1]"}""", "text")]
    public async Task Backtest_BadRequest_Returns400NamingTheField(string body, string field)
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/rules/backtest", body);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task CreateRule_KeyWithoutRulesScope_Returns403()
    {
        var client = await app.CreateApiClientAsync("cases:read", "cases:write");

        var response = await client.PostJsonAsync("/api/v1/rules", new { text = "- name: x" });

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteRuleApiTests(SqliteApp app) : RuleApiTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresRuleApiTests(PostgresApp app) : RuleApiTests(app.Factory), IClassFixture<PostgresApp>;

using System.Net;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Triage;

/// <summary>The classifier beside the rules inside intake, through the API, against both providers.</summary>
public abstract class ClassifierIntakeTests(TrustDeskFactory app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task SubmitReport_SelfHarmWithoutLexiconWordsNorCategory_IsAnS1CrisisCaseThatSaysTheModel()
    {
        var client = await app.CreateApiClientAsync();

        var json = await (await client.PostJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "account", externalId = Unique("u") },
            text = "nobody would even notice if I was gone, been saving up my meds",
        })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("S1", json.Str("severity"));
        Assert.Equal("crisis", json.Str("queue"));
        Assert.Equal("safety.self_harm", json.Str("category"));
        var @case = await client.GetJsonAsync($"/api/v1/cases/{json.Long("caseId")}");
        var hit = Assert.Single(@case.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == "classifier");
        Assert.False(hit.GetProperty("shadow").GetBoolean());
        var values = hit.GetProperty("values").EnumerateArray().Select(v => v.GetString()!).ToList();
        Assert.Contains("suggested.category = \"safety.self_harm\"", values);
        Assert.Contains(values, v => v.StartsWith("suggested.confidence = ", StringComparison.Ordinal));
        Assert.Contains("crisis", @case.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task SubmitReport_CollectorsHyperboleWithoutCategory_IsNoCrisis()
    {
        var client = await app.CreateApiClientAsync();

        var json = await (await client.PostJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "livestream", externalId = Unique("ls") }, text = "this pull is killing me, I'd die for that card",
        })).ExpectAsync(HttpStatusCode.Created);

        Assert.NotEqual("S1", json.Str("severity"));
        Assert.NotEqual("crisis", json.Str("queue"));
    }
}

public sealed class SqliteClassifierIntakeTests(SqliteApp app) : ClassifierIntakeTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresClassifierIntakeTests(PostgresApp app) : ClassifierIntakeTests(app.Factory), IClassFixture<PostgresApp>;

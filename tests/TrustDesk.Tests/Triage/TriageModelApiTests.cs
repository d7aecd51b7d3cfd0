using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;
using TrustDesk.Triage;
using TrustDesk.Triage.Classifier;

namespace TrustDesk.Tests.Triage;

/// <summary>
/// The classifier for Leads, through the API against both providers: the model in force with its last evaluation, the
/// shadow model's record on live traffic, and scoring the desk on a CSV of the Lead's own labelled texts.
/// </summary>
public abstract class TriageModelApiTests(TrustDeskFactory app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task GetTriageModel_AsALead_ShowsTheActiveVersionAndItsLastEvaluation()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);

        var model = await lead.GetJsonAsync("/api/v1/triage/model");

        var active = model.GetProperty("active");
        Assert.Equal(ClassifierModels.Shipped.Version, active.Int("version"));
        Assert.Equal("shipped", active.Str("source"));
        Assert.Equal(ClassifierModels.Shipped.Evaluation, active.Str("evaluation"));
        Assert.StartsWith("macro-F1 ", active.Str("evaluation"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateTriage_LabelledCsv_ScoresTheDeskAsIntakeWould()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var csv = "text,category,severity,language\n"
            + "\"nobody would even notice if I was gone, been saving up my meds\",safety.self_harm,S1,en\n"
            + "ya no quiero vivir nadie me va a extrañar,safety.self_harm,,\n"
            + "\"bought a booster box two weeks ago and it never arrived, seller ignores me\",order.not_received,,\n"
            + "Report.,none,,\n"
            + "Please have a look.,none,,\n"
            + "this pull is killing me,none,,en\n";

        var response = await lead.PostAsync("/api/v1/triage/evaluations", Csv(csv), TestContext.Current.CancellationToken);

        var result = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ClassifierModels.Shipped.Version, result.Int("modelVersion"));
        Assert.Equal(6, result.Int("rows"));
        var recall = result.GetProperty("s1Recall").EnumerateArray().ToDictionary(r => r.Str("language"), r => (r.Int("s1"), r.Int("found")));
        Assert.Equal((1, 1), recall["en"]);
        Assert.Equal((1, 1), recall["es"]);
        Assert.Equal(4, result.Int("notS1"));
        Assert.Equal(0, result.Int("falseS1"));
        Assert.Contains(result.GetProperty("categories").EnumerateArray(), c => c.Str("category") == "order.not_received" && c.Int("support") == 1);
        Assert.Contains("| category | support | predicted | precision | recall | F1 |", result.Str("markdown"), StringComparison.Ordinal);
        Assert.Equal(result.GetProperty("confusion").GetProperty("labels").GetArrayLength(), result.GetProperty("confusion").GetProperty("counts").GetArrayLength());
    }

    [Fact]
    public async Task EvaluateTriage_AWrongLabel_IsListedWithItsRowAndWhatTheDeskDecided()
    {
        var client = await app.CreateApiClientAsync("rules:write");
        var csv = "text,category\nReport.,none\n\"bought a booster box two weeks ago and it never arrived, seller ignores me\",conduct.spam\n";

        var result = await (await client.PostAsync("/api/v1/triage/evaluations", Csv(csv), TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.OK);

        var mistake = Assert.Single(result.GetProperty("mistakes").EnumerateArray());
        Assert.Equal(2, mistake.Int("row"));
        Assert.Equal("conduct.spam", mistake.Str("expectedCategory"));
        Assert.Equal("order.not_received", mistake.Str("category"));
        Assert.Equal(0.5, result.GetProperty("categoryAccuracy").GetDouble());
    }

    [Fact]
    public async Task EvaluateTriage_UnknownCategoryAndBadSeverity_IsAProblemNamingTheRows()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);

        var response = await lead.PostAsync("/api/v1/triage/evaluations",
            Csv("text,category,severity\nwhere is my parcel,order.not_received,\nhi,order.teleported,\nhello,none,urgent\n"), TestContext.Current.CancellationToken);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "rows[2].category");
        Assert.True(problem.GetProperty("errors").TryGetProperty("rows[3].severity", out _));
    }

    [Fact]
    public async Task EvaluateTriage_NotCsv_Is415()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);

        var response = await lead.PostAsync("/api/v1/triage/evaluations",
            new StringContent("{\"text\":\"hi\"}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    [Fact]
    public async Task EvaluateTriage_OverTheSizeLimit_Is413EvenWithoutContentLength()
    {
        var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var big = "text,category\n" + string.Concat(Enumerable.Repeat("where is my order please,order.not_received\n", LabelledCsv.MaxBytes / 40 + 10));

        var declared = await lead.PostAsync("/api/v1/triage/evaluations", Csv(big), TestContext.Current.CancellationToken);
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/v1/triage/evaluations")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))),
        };
        chunked.Content.Headers.ContentType = new("text/csv");
        chunked.Headers.TransferEncodingChunked = true;
        var streamed = await lead.SendAsync(chunked, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
    }

    [Fact]
    public async Task EvaluateTriage_AsAnAgent_IsForbidden()
    {
        var agent = await app.CreateUserClientAsync(UserRole.Agent);

        var response = await agent.PostAsync("/api/v1/triage/evaluations", Csv("text,category\nhi,none\n"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>A model in shadow runs on live reports: its would-be decisions are counted, and compared with the category the case has now.</summary>
    [Fact]
    public async Task GetTriageModel_WithAShadowModel_CountsWhatItWouldHaveDoneOnLiveReports()
    {
        var models = app.Services.GetRequiredService<ClassifierModels>();
        var engine = app.Services.GetRequiredService<TriageEngine>();
        var shipped = ClassifierModels.Shipped;
        var shadowVersion = shipped.Version + 100 + Random.Shared.Next(1000);
        var path = Path.Combine(models.Directory!, ClassifierModels.ShadowFile);
        Directory.CreateDirectory(models.Directory!);
        new TriageModel(shadowVersion, shipped.TrainedAt, shipped.Classes, shipped.Severities, shipped.Weights, shipped.Biases, shipped.CrisisNgrams,
            shipped.Languages, shipped.CrisisThreshold, shipped.GuardedCrisisThreshold, shipped.ApplyThreshold, "macro-F1 (shadow under test)").SaveTo(path);
        try
        {
            models.Reload();
            engine.Invalidate();
            var platform = await app.CreateApiClientAsync();
            await (await platform.PostJsonAsync("/api/v1/reports", new
            {
                subject = new { kind = "account", externalId = Unique("u") },
                text = "bought a booster box two weeks ago and it never arrived, seller ignores me",
            })).ExpectAsync(HttpStatusCode.Created);

            var model = await (await app.CreateUserClientAsync(UserRole.Lead)).GetJsonAsync("/api/v1/triage/model");

            Assert.Equal(shadowVersion, model.GetProperty("shadow").Int("version"));
            Assert.Equal("macro-F1 (shadow under test)", model.GetProperty("shadow").Str("evaluation"));
            var live = model.GetProperty("shadowOnLiveTraffic");
            Assert.Equal(1, live.Int("hits"));
            Assert.Equal(1, live.Int("wouldFile"));
            Assert.Equal(1, live.Int("filedAsTheCaseIsNow"));
            Assert.Equal(0, live.Int("wouldBeS1"));
        }
        finally
        {
            File.Delete(path);
            models.Reload();
            engine.Invalidate();
        }
    }
}

public sealed class SqliteTriageModelApiTests(SqliteApp app) : TriageModelApiTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresTriageModelApiTests(PostgresApp app) : TriageModelApiTests(app.Factory), IClassFixture<PostgresApp>;

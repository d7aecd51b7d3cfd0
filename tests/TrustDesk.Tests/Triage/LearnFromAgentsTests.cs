using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;
using TrustDesk.Triage.Classifier;

namespace TrustDesk.Tests.Triage;

/// <summary>
/// Agents' corrections become labelled examples (<c>trustdesk triage train --with-history</c>), against both providers:
/// the text the user wrote, personal data masked, labelled as the agent left the case, once per text.
/// </summary>
public abstract class LearnFromAgentsTests(TrustDeskFactory app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task History_AgentChangedTheCategory_IsAnExampleWithPersonalDataMaskedOncePerText()
    {
        var platform = await app.CreateApiClientAsync();
        var agent = await app.CreateUserClientAsync(UserRole.Agent);
        // Letters only: a run of digits would be masked as a number.
        var word = "zq" + string.Concat(Guid.NewGuid().ToByteArray().Take(8).Select(b => (char)('a' + b % 26)));
        var text = $"the {word} slab he sold me is a fake, mail me at robin.{word}@example.com";
        var corrected = new List<long>();
        foreach (var _ in new[] { 1, 2 })
        {
            var report = await (await platform.PostJsonAsync("/api/v1/reports", new
            {
                subject = new { kind = "account", externalId = Unique("u") }, category = "order.not_as_described", text,
            })).ExpectAsync(HttpStatusCode.Created);
            await (await agent.PatchJsonAsync($"/api/v1/cases/{report.Long("caseId")}", new { category = "authenticity.counterfeit" })).ExpectAsync(HttpStatusCode.OK);
            corrected.Add(report.Long("caseId"));
        }

        // A change by the platform (not an agent) teaches nothing.
        var untaught = await (await platform.PostJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "account", externalId = Unique("u") }, category = "order.not_as_described", text = $"another {word} text the platform re-filed",
        })).ExpectAsync(HttpStatusCode.Created);
        await (await platform.PatchJsonAsync($"/api/v1/cases/{untaught.Long("caseId")}", new { category = "conduct.spam" })).ExpectAsync(HttpStatusCode.OK);

        var severity = (await agent.GetJsonAsync($"/api/v1/cases/{corrected[0]}")).Str("severity");

        await using var scope = app.Services.CreateAsyncScope();
        var learn = new LearnFromAgents(scope.ServiceProvider.GetRequiredService<TrustDeskDb>(), new ClassifierModels((string?)null), TimeProvider.System);
        var history = await learn.HistoryAsync(TestContext.Current.CancellationToken);

        var example = Assert.Single(history, r => r.Text.Contains(word, StringComparison.Ordinal));
        Assert.Equal($"the {word} slab he sold me is a fake, mail me at [email]", example.Text);
        Assert.Equal("authenticity.counterfeit", example.Category);
        Assert.Equal(severity, example.Severity.ToString());
        Assert.Equal("train", example.Split);
    }
}

public sealed class SqliteLearnFromAgentsTests(SqliteApp app) : LearnFromAgentsTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresLearnFromAgentsTests(PostgresApp app) : LearnFromAgentsTests(app.Factory), IClassFixture<PostgresApp>;

/// <summary>A shadow model becomes active only when its held-out figures are not worse than the active model's.</summary>
public sealed class PromoteShadowModelTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("td-models-").FullName;

    private static TriageModel Copy(int version, float crisisThreshold)
    {
        var s = ClassifierModels.Shipped;
        return new TriageModel(version, s.TrainedAt, s.Classes, s.Severities, s.Weights, s.Biases, s.CrisisNgrams, s.Languages,
            crisisThreshold, Math.Max(crisisThreshold, s.GuardedCrisisThreshold), s.ApplyThreshold, s.Evaluation);
    }

    [Fact]
    public void Promote_ShadowAsGoodAsTheActive_BecomesActive()
    {
        var version = ClassifierModels.Shipped.Version + 1;
        Copy(version, ClassifierModels.Shipped.CrisisThreshold).SaveTo(Path.Combine(_directory, ClassifierModels.ShadowFile));
        var models = new ClassifierModels(_directory);
        var learn = new LearnFromAgents(null!, models, TimeProvider.System);

        var (promoted, message) = learn.Promote(TriageCorpus.FindDirectory());

        Assert.True(promoted, message);
        Assert.Equal(version, models.Active.Version);
        Assert.Null(models.Shadow);
        Assert.Equal(version, new ClassifierModels(_directory).Active.Version);
        Assert.Contains($"was v{ClassifierModels.Shipped.Version}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Promote_ShadowThatMissesCrises_StaysInShadow()
    {
        // The same weights with a crisis threshold no real crisis reaches: S1 recall falls.
        Copy(ClassifierModels.Shipped.Version + 1, 0.999f).SaveTo(Path.Combine(_directory, ClassifierModels.ShadowFile));
        var models = new ClassifierModels(_directory);
        var learn = new LearnFromAgents(null!, models, TimeProvider.System);

        var (promoted, message) = learn.Promote(TriageCorpus.FindDirectory());

        Assert.False(promoted, message);
        Assert.Equal(ClassifierModels.Shipped.Version, models.Active.Version);
        Assert.NotNull(models.Shadow);
        Assert.False(File.Exists(Path.Combine(_directory, ClassifierModels.ActiveFile)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using TrustDesk.Identity;
using TrustDesk.Metrics;
using TrustDesk.Tests.Email;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Metrics;

/// <summary>
/// The satisfaction survey end to end, through a real SMTP relay (the sink the email tests use): a solved case's
/// requester gets the email, a click records the score once, the rollups and the overview count it for the agent; no
/// survey for S1 cases, none twice within the quiet period, none for a case reopened meanwhile; a link tampered with or
/// past its expiry records nothing.
/// </summary>
public sealed class CsatTests : IAsyncLifetime
{
    private SmtpSink _sink = null!;
    private TrustDeskFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _sink = new SmtpSink();
        _app = new TrustDeskFactory(Provider.Sqlite, null, new Dictionary<string, string?>
        {
            ["TrustDesk:Email:Smtp:Port"] = SmtpSink.FreePort().ToString(),
            ["TrustDesk:Email:Relay:Host"] = "127.0.0.1",
            ["TrustDesk:Email:Relay:Port"] = _sink.Port.ToString(),
            ["TrustDesk:Email:Relay:PollSeconds"] = "0.2",
            ["TrustDesk:Metrics:Csat:Delay"] = "00:00:00",
            // The test sends what is due itself: the timer would race it.
            ["TrustDesk:Metrics:Csat:Interval"] = "1.00:00:00",
            ["TrustDesk:Metrics:Csat:PublicUrl"] = "https://desk.example",
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sink.DisposeAsync();
    }

    private async Task<long> SolvedCaseAsync(HttpClient api, string requester, string category = "order.not_received", string? assignee = null)
    {
        var created = await (await api.PostJsonAsync("/api/v1/cases", new
        {
            title = "Parcel never came",
            category,
            requester = new { email = requester, name = "Robin" },
            assignee,
            text = "Where is my order?",
        })).ExpectAsync(HttpStatusCode.Created);
        var id = created.Long("id");
        await (await api.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "reply", text = "A refund is on its way." })).ExpectAsync(HttpStatusCode.Created);
        await (await api.PatchJsonAsync($"/api/v1/cases/{id}", new { status = "solved", resolution = "user_resolved" })).ExpectAsync(HttpStatusCode.OK);
        return id;
    }

    private Task<int> SendDueAsync() => _app.Services.GetRequiredService<SendCsatSurveys>().SendDueAsync(TestContext.Current.CancellationToken);

    private static string Link(MimeMessage email, int score) =>
        Regex.Match(email.TextBody ?? "", $@"  {score} - [^:]+: https://desk\.example(?<path>/csat\?\S+)").Groups["path"].Value;

    [Fact]
    public async Task SolvedCase_RequesterGetsTheSurvey_AClickRecordsTheScoreOnce_TheAgentIsRated()
    {
        var agent = await _app.CreateUserAsync(UserRole.Agent);
        var api = await _app.CreateApiClientAsync();
        var requester = $"buyer-{Guid.NewGuid():N}"[..18] + "@example.com";
        var id = await SolvedCaseAsync(api, requester, assignee: agent.Email);

        Assert.Equal(1, await SendDueAsync());
        var email = await _sink.WaitForAsync(m => m.To.Mailboxes.Any(a => a.Address == requester) && (m.Subject ?? "").StartsWith("How did we do?", StringComparison.Ordinal));
        var anonymous = _app.CreateClient();
        var four = await anonymous.GetAsync(Link(email, 4), TestContext.Current.CancellationToken);
        var fourPage = await four.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var two = await anonymous.GetAsync(Link(email, 2), TestContext.Current.CancellationToken);
        var twoPage = await two.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var form = new FormUrlEncodedContent(Regex.Matches(fourPage, "name=\"(?<n>\\w+)\" value=\"(?<v>[^\"]*)\"").Select(m => KeyValuePair.Create(m.Groups["n"].Value, WebUtility.HtmlDecode(m.Groups["v"].Value)))
            .Append(KeyValuePair.Create("comment", "Quick and kind.")));
        var comment = await anonymous.PostAsync("/csat", form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, four.StatusCode);
        Assert.Contains("4 of 5", fourPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        Assert.Contains("4 of 5", twoPage, StringComparison.Ordinal); // the first answer stands
        Assert.Contains("csat-already", twoPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, comment.StatusCode);
        var survey = await _app.WithDbAsync(db => db.CsatSurveys.AsNoTracking().SingleAsync(s => s.CaseId == id));
        Assert.Equal((4, "Quick and kind.", agent.Email, CsatStatuses.Answered), (survey.Score, survey.Comment, survey.Agent, survey.Status));
        var @case = await api.GetJsonAsync($"/api/v1/cases/{id}");
        Assert.Single(@case.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "csat_received" && e.Str("to") == "4");
        var lead = await _app.CreateUserClientAsync(UserRole.Lead);
        var overview = await lead.GetJsonAsync($"/api/v1/metrics/overview?agent={Uri.EscapeDataString(agent.Email)}");
        Assert.Equal(4.0, overview.GetProperty("csatAverage").GetDouble());
        Assert.Equal(1, overview.Int("csatSent"));
        Assert.Equal(1.0, overview.GetProperty("csatResponseRate").GetDouble());
        Assert.Equal(4.0, Assert.Single(overview.GetProperty("byAgent").EnumerateArray()).GetProperty("csatAverage").GetDouble());
    }

    [Fact]
    public async Task NoSurvey_ForS1_TwiceWithinTheQuietPeriod_OrAReopenedCase()
    {
        var api = await _app.CreateApiClientAsync();
        var requester = $"buyer-{Guid.NewGuid():N}"[..18] + "@example.com";
        var crisis = await SolvedCaseAsync(api, requester, "conduct.threats_violence");
        var first = await SolvedCaseAsync(api, requester);
        var second = await SolvedCaseAsync(api, requester);
        var reopened = await SolvedCaseAsync(api, $"other-{Guid.NewGuid():N}"[..18] + "@example.com");
        await (await api.PatchJsonAsync($"/api/v1/cases/{reopened}", new { status = "open" })).ExpectAsync(HttpStatusCode.OK);

        await SendDueAsync();

        var surveys = await _app.WithDbAsync(db => db.CsatSurveys.AsNoTracking().ToDictionaryAsync(s => s.CaseId));
        Assert.False(surveys.ContainsKey(crisis));
        Assert.Equal(CsatStatuses.Sent, surveys[first].Status);
        Assert.Equal((CsatStatuses.Skipped, "surveyed within the quiet period"), (surveys[second].Status, surveys[second].Reason));
        Assert.Equal(CsatStatuses.Cancelled, surveys[reopened].Status);
    }

    [Fact]
    public async Task TamperedOrExpiredLink_RecordsNothing()
    {
        var api = await _app.CreateApiClientAsync();
        var requester = $"buyer-{Guid.NewGuid():N}"[..18] + "@example.com";
        var id = await SolvedCaseAsync(api, requester);
        await SendDueAsync();
        var email = await _sink.WaitForAsync(m => m.To.Mailboxes.Any(a => a.Address == requester));
        var link = Link(email, 5);
        var anonymous = _app.CreateClient();

        var otherScore = await anonymous.GetAsync(link.Replace("score=5", "score=1", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var survey = await _app.WithDbAsync(db => db.CsatSurveys.AsNoTracking().SingleAsync(s => s.CaseId == id));
        var key = await _app.WithDbAsync(db => db.CsatLinkKeys.AsNoTracking().SingleAsync());
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var expired = await anonymous.GetAsync(
            $"/csat?survey={survey.Id:N}&score=5&expires={past}&signature={CsatLinks.Sign(Convert.FromBase64String(key.Key), survey.Id, 5, past)}",
            TestContext.Current.CancellationToken);
        var nonsense = await anonymous.GetAsync("/csat?survey=x&score=99&expires=-5&signature=" + new string('a', 500), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, otherScore.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);
        Assert.Null((await _app.WithDbAsync(db => db.CsatSurveys.AsNoTracking().SingleAsync(s => s.CaseId == id))).Score);
    }
}

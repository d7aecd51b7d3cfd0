using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Enforcement;
using TrustDesk.Identity;
using TrustDesk.Tests.Email;
using TrustDesk.Tests.Infrastructure;
using TrustDesk.Tests.Webhooks;

namespace TrustDesk.Tests.Enforcement;

/// <summary>
/// The done-when flow by API, with real peers: a Lead proposes a 30-day suspension, an Admin approves it, the platform's
/// endpoint receives a signed action.executed, the seller gets the statement by email (through a real SMTP sink), appeals
/// through the signed link, a Specialist overturns, action.reversed goes out and the strike is gone.
/// </summary>
public abstract partial class EnforcementFlowTests(Provider provider, PostgresServer postgres) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private SmtpSink _sink = null!;

    protected TrustDeskFactory App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _sink = new SmtpSink();
        var settings = new Dictionary<string, string?>
        {
            ["TrustDesk:Email:Smtp:Port"] = SmtpSink.FreePort().ToString(),
            ["TrustDesk:Email:Relay:Host"] = "127.0.0.1",
            ["TrustDesk:Email:Relay:Port"] = _sink.Port.ToString(),
            ["TrustDesk:Email:Relay:PollSeconds"] = "0.2",
            ["TrustDesk:Webhooks:PollSeconds"] = "0.1",
            ["TrustDesk:Webhooks:RetryBaseSeconds"] = "0.2",
            ["TrustDesk:Enforcement:PublicBaseUrl"] = "https://trust.example",
        };
        App = new TrustDeskFactory(provider, provider == Provider.Postgres ? await postgres.CreateDatabaseAsync() : null, settings);
        var admin = await App.CreateUserClientAsync(UserRole.Admin);
        var endpoint = await (await admin.PostJsonAsync("/api/v1/webhooks/endpoints",
            new { url = _receiver.Url, events = new[] { "action.executed", "action.reversed", "appeal.decided", "case.solved" } })).ExpectAsync(HttpStatusCode.Created);
        _receiver.Secrets.Add(endpoint.Str("secret"));
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await App.DisposeAsync();
        await _receiver.DisposeAsync();
        await _sink.DisposeAsync();
    }

    protected async Task<(long CaseId, string Seller, string Email)> SellerCaseAsync(HttpClient platform)
    {
        var seller = $"u-{Guid.NewGuid():N}"[..14];
        var email = $"{seller}@seller.example";
        await (await platform.PutJsonAsync($"/api/v1/subjects/account/{seller}", new
        {
            displayName = "Seller " + seller,
            identifiers = new[] { new { type = "email", value = email } },
        })).ExpectAsync(HttpStatusCode.OK);
        var report = await (await platform.PostJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "account", externalId = seller }, category = "payments.off_platform", text = "Asked me to pay by bank transfer outside the app.",
        })).ExpectAsync(HttpStatusCode.Created);
        return (report.Long("caseId"), seller, email);
    }

    [Fact]
    public async Task Suspension_LeadProposesAdminApprovesSellerAppealsSpecialistOverturns_WebhooksEmailsAndStrikeFollow()
    {
        var platform = await App.CreateApiClientAsync();
        var (caseId, seller, email) = await SellerCaseAsync(platform);
        var lead = await App.CreateUserClientAsync(UserRole.Lead);
        var admin = await App.CreateUserClientAsync(UserRole.Admin);
        var specialist = await App.CreateUserClientAsync(UserRole.Specialist);

        var proposed = await (await lead.PostJsonAsync("/api/v1/actions", new
        {
            caseId, kind = "suspend_account", subject = new { kind = "account", externalId = seller }, policy = "payments.off_platform",
            reason = "Three buyers were asked to pay off the platform during the stream of 5 December.", durationDays = 30,
        })).ExpectAsync(HttpStatusCode.Created);
        var actionId = proposed.Str("id");
        Assert.Equal("pending_approval", proposed.Str("status"));

        var own = await lead.PostJsonAsync($"/api/v1/actions/{actionId}/approve", new { });
        await own.ExpectProblemAsync(HttpStatusCode.Forbidden);
        var approved = await (await admin.PostJsonAsync($"/api/v1/actions/{actionId}/approve", new { note = "Evidence is clear." })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("approved", approved.Str("status"));
        await (await admin.PostJsonAsync($"/api/v1/actions/{actionId}/approve", new { })).ExpectProblemAsync(HttpStatusCode.Conflict);

        var executed = await _receiver.WaitForAsync(r => r.Type == "action.executed" && r.Json.GetProperty("data").Str("actionId") == actionId);
        Assert.True(executed.SignatureValid);
        Assert.Equal("suspend_account", executed.Json.GetProperty("data").Str("kind"));
        Assert.Equal(30, executed.Json.GetProperty("data").Int("durationDays"));

        var confirmed = await (await platform.PostJsonAsync($"/api/v1/actions/{actionId}/confirmation", new { confirmationId = "job-1", outcome = "executed" }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("executed", confirmed.Str("status"));
        await (await platform.PostJsonAsync($"/api/v1/actions/{actionId}/confirmation", new { confirmationId = "job-1", outcome = "executed" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict);

        var statement = await lead.GetJsonAsync($"/api/v1/actions/{actionId}/statement");
        Assert.Equal("suspend_account", statement.GetProperty("decision").Str("kind"));
        Assert.Equal(30, statement.GetProperty("decision").Int("durationDays"));
        Assert.Contains("pay off the platform", statement.Str("facts"));
        Assert.Equal("TOS", statement.Str("groundType"));
        Assert.False(statement.GetProperty("automatedDetection").GetBoolean());
        Assert.False(statement.GetProperty("automatedDecision").GetBoolean());
        Assert.StartsWith("https://trust.example/appeal?", statement.GetProperty("redress").Str("appealUrl"));
        Assert.Equal("DECISION_ACCOUNT_SUSPENDED", statement.GetProperty("transparencyDatabase").Str("decision_account"));

        var standing = await lead.GetJsonAsync($"/api/v1/strikes?subject=account:{seller}");
        Assert.Equal(1, standing.Int("activeStrikes"));
        Assert.Equal("payments", standing.GetProperty("suggestions")[0].Str("family"));
        Assert.Equal("hold_payouts", standing.GetProperty("suggestions")[0].Str("nextKind"));

        var mail = await _sink.WaitForAsync(m => m.To.Mailboxes.Any(a => a.Address == email));
        var link = AppealLink().Match(mail.TextBody ?? "").Value;
        Assert.StartsWith("https://trust.example/appeal?", link);
        var query = new Uri(link).Query;
        var page = await App.CreateClient().GetAsync("/appeal" + query, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var fields = System.Web.HttpUtility.ParseQueryString(query);
        var tampered = await App.CreateClient().PostAsync("/appeal", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = fields["action"]!, ["expires"] = (long.Parse(fields["expires"]!) + 86400).ToString(), ["signature"] = fields["signature"]!, ["statement"] = "x",
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        var submitted = await App.CreateClient().PostAsync("/appeal", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = fields["action"]!, ["expires"] = fields["expires"]!, ["signature"] = fields["signature"]!,
            ["statement"] = "I only shared my bank details with a friend who asked; I never asked buyers to pay outside.",
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);

        var action = await lead.GetJsonAsync($"/api/v1/actions/{actionId}");
        var appealId = action.Str("appealId");
        var appealCase = await App.WithDbAsync(db => db.Appeals.AsNoTracking().Select(a => new { a.Id, a.CaseId }).FirstAsync(a => a.Id == Guid.Parse(appealId), TestContext.Current.CancellationToken));
        var appealCaseJson = await specialist.GetJsonAsync($"/api/v1/cases/{appealCase.CaseId}");
        Assert.Equal("appeals", appealCaseJson.Str("queue"));
        await (await lead.PostJsonAsync($"/api/v1/appeals/{appealId}/decision", new { outcome = "overturned" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        var decided = await (await specialist.PostJsonAsync($"/api/v1/appeals/{appealId}/decision", new { outcome = "overturned", note = "The messages do not show a request to buyers." }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("reversed", decided.GetProperty("action").Str("status"));

        var reversed = await _receiver.WaitForAsync(r => r.Type == "action.reversed" && r.Json.GetProperty("data").Str("actionId") == actionId);
        Assert.True(reversed.SignatureValid);
        await _receiver.WaitForAsync(r => r.Type == "appeal.decided" && r.Json.GetProperty("data").Str("outcome") == "overturned");
        await _receiver.WaitForAsync(r => r.Type == "case.solved" && r.Json.GetProperty("data").Long("caseId") == appealCase.CaseId);
        await _sink.WaitForAsync(m => m.To.Mailboxes.Any(a => a.Address == email) && (m.Subject ?? "").Contains("successful", StringComparison.Ordinal));
        standing = await lead.GetJsonAsync($"/api/v1/strikes?subject=account:{seller}");
        Assert.Equal(0, standing.Int("activeStrikes"));
        Assert.Equal("good_standing", standing.Str("standing"));
        var timeline = (await lead.GetJsonAsync($"/api/v1/cases/{caseId}")).GetProperty("timeline").EnumerateArray().Select(e => e.Str("kind")).ToList();
        Assert.Contains(EnforcementEventKinds.ActionProposed, timeline);
        Assert.Contains(EnforcementEventKinds.ActionApproved, timeline);
        Assert.Contains(EnforcementEventKinds.ActionExecuted, timeline);
        Assert.Contains(EnforcementEventKinds.AppealReceived, timeline);
        Assert.Contains(EnforcementEventKinds.ActionReversed, timeline);
        Assert.Contains(EnforcementEventKinds.AppealDecided, timeline);
    }

    [GeneratedRegex(@"https://trust\.example/appeal\?\S+")]
    private static partial Regex AppealLink();
}

public sealed class SqliteEnforcementFlowTests(PostgresServer postgres) : EnforcementFlowTests(Provider.Sqlite, postgres);

public sealed class PostgresEnforcementFlowTests(PostgresServer postgres) : EnforcementFlowTests(Provider.Postgres, postgres);

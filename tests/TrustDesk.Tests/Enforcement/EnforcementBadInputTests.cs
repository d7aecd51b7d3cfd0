using System.Net;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Enforcement;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Enforcement;

/// <summary>Each refused request answers a clear 4xx problem and leaves nothing behind.</summary>
public sealed class EnforcementBadInputTests : IAsyncLifetime
{
    private TrustDeskFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new TrustDeskFactory(Provider.Sqlite, null, new Dictionary<string, string?>
        {
            // Proposals expire in about a second, and appeals must come the same instant: both limits are reachable in a test.
            ["TrustDesk:Enforcement:ApprovalExpiryHours"] = "0.0003",
            ["TrustDesk:Enforcement:AppealWindowDays"] = "0",
        });
        _ = _app.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<(long CaseId, string Seller, HttpClient Platform)> CaseAsync()
    {
        var platform = await _app.CreateApiClientAsync();
        var seller = $"u-{Guid.NewGuid():N}"[..14];
        await (await platform.PutJsonAsync($"/api/v1/subjects/account/{seller}", new { displayName = seller })).ExpectAsync(HttpStatusCode.OK);
        await (await platform.PutJsonAsync($"/api/v1/subjects/listing/l-{seller}", new { displayName = "A slab" })).ExpectAsync(HttpStatusCode.OK);
        var report = await (await platform.PostJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "account", externalId = seller }, category = "conduct.spam", text = "Spam in every chat.",
        })).ExpectAsync(HttpStatusCode.Created);
        return (report.Long("caseId"), seller, platform);
    }

    [Theory]
    [InlineData("explode_account", "account", null, "kind")]
    [InlineData("remove_listing", "account", null, "subject.kind")]
    [InlineData("suspend_account", "account", 0, "durationDays")]
    [InlineData("suspend_account", "account", 400, "durationDays")]
    [InlineData("suspend_account", "account", null, "durationDays")]
    [InlineData("warn", "account", 3, "durationDays")]
    public async Task TakeAction_BadInput_ValidationProblemAndNothingStored(string kind, string subjectKind, int? days, string field)
    {
        var (caseId, seller, _) = await CaseAsync();
        var agent = await _app.CreateUserClientAsync(UserRole.Specialist);

        var response = await agent.PostJsonAsync("/api/v1/actions", new
        {
            caseId, kind, subject = new { kind = subjectKind, externalId = seller }, policy = "conduct.spam", reason = "Spam.", durationDays = days,
        });

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await _app.WithDbAsync(db => db.EnforcementActions.CountAsync(a => a.CaseId == caseId, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task TakeAction_UnknownPolicyAndUnknownSubject_ValidationProblem()
    {
        var (caseId, _, _) = await CaseAsync();
        var agent = await _app.CreateUserClientAsync(UserRole.Agent);

        var json = await (await agent.PostJsonAsync("/api/v1/actions", new
        {
            caseId, kind = "warn", subject = new { kind = "account", externalId = "nobody-here" }, policy = "made.up", reason = "x",
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "policy");

        Assert.True(json.GetProperty("errors").TryGetProperty("subject.externalId", out _));
    }

    [Fact]
    public async Task TakeAction_AgentAsksForBan_ForbiddenProblem()
    {
        var (caseId, seller, _) = await CaseAsync();
        var agent = await _app.CreateUserClientAsync(UserRole.Agent);

        var response = await agent.PostJsonAsync("/api/v1/actions", new
        {
            caseId, kind = "ban_account", subject = new { kind = "account", externalId = seller }, policy = "conduct.spam", reason = "Spam.",
        });

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TakeAction_CaseNotVisible_NotFound()
    {
        var (caseId, seller, _) = await CaseAsync();
        var member = await _app.CreateUserClientAsync(UserRole.DepartmentMember, "payments");

        var response = await member.PostJsonAsync("/api/v1/actions", new
        {
            caseId, kind = "warn", subject = new { kind = "account", externalId = seller }, policy = "conduct.spam", reason = "Spam.",
        });

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden);
        Assert.Equal(0, await _app.WithDbAsync(db => db.EnforcementActions.CountAsync(a => a.CaseId == caseId, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Approve_ExpiredProposal_ConflictAndStillPending()
    {
        var (caseId, seller, _) = await CaseAsync();
        var lead = await _app.CreateUserClientAsync(UserRole.Lead);
        var admin = await _app.CreateUserClientAsync(UserRole.Admin);
        var action = await (await lead.PostJsonAsync("/api/v1/actions", new
        {
            caseId, kind = "ban_account", subject = new { kind = "account", externalId = seller }, policy = "conduct.spam", reason = "Spam after two warnings.",
        })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pending_approval", action.Str("status"));

        await Task.Delay(1500, TestContext.Current.CancellationToken);
        var response = await admin.PostJsonAsync($"/api/v1/actions/{action.Str("id")}/approve", new { });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("expired", problem.Str("detail"));
        Assert.Equal("pending_approval", (await admin.GetJsonAsync($"/api/v1/actions/{action.Str("id")}")).Str("status"));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Strikes.CountAsync(s => s.ActionId == Guid.Parse(action.Str("id")), TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Appeal_AfterWindowAndOnSomeoneElsesAction_GoneAndForbidden()
    {
        var (caseId, seller, platform) = await CaseAsync();
        var agent = await _app.CreateUserClientAsync(UserRole.Agent);
        var action = await (await agent.PostJsonAsync("/api/v1/actions", new
        {
            caseId, kind = "warn", subject = new { kind = "account", externalId = seller }, policy = "conduct.spam", reason = "Spam.",
        })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("approved", action.Str("status"));

        var other = await platform.PostJsonAsync($"/api/v1/actions/{action.Str("id")}/appeals", new { statement = "Not me.", subjectExternalId = "u-someone-else" });
        await other.ExpectProblemAsync(HttpStatusCode.Forbidden);
        await Task.Delay(1100, TestContext.Current.CancellationToken);
        var late = await platform.PostJsonAsync($"/api/v1/actions/{action.Str("id")}/appeals", new { statement = "Too late?", subjectExternalId = seller });
        await late.ExpectProblemAsync(HttpStatusCode.Gone);

        Assert.Equal(0, await _app.WithDbAsync(db => db.Appeals.CountAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Confirm_PendingActionAndBadOutcome_ConflictAndValidationProblem()
    {
        var (caseId, seller, platform) = await CaseAsync();
        var lead = await _app.CreateUserClientAsync(UserRole.Lead);
        var action = await (await lead.PostJsonAsync("/api/v1/actions", new
        {
            caseId, kind = "suspend_account", subject = new { kind = "account", externalId = seller }, policy = "conduct.spam", reason = "Spam.", durationDays = 14,
        })).ExpectAsync(HttpStatusCode.Created);

        await (await platform.PostJsonAsync($"/api/v1/actions/{action.Str("id")}/confirmation", new { confirmationId = "j", outcome = "done" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "outcome");
        await (await platform.PostJsonAsync($"/api/v1/actions/{action.Str("id")}/confirmation", new { confirmationId = "j", outcome = "executed" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict);
    }
}

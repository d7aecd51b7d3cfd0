using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.Identity;
using TrustDesk.Sla;
using TrustDesk.Tests.Escalations;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Notifications;

/// <summary>Notifications made from case events, and that each person reads and marks only their own.</summary>
public abstract class NotificationApiTests(TrustDeskFactory app, FakeTimeProvider time)
{
    private async Task<long> CreateCaseAsync(string category = "order.not_received")
    {
        using var platform = await app.CreateApiClientAsync();
        var created = await (await platform.PostJsonAsync("/api/v1/cases",
                new { title = "Parcel missing", category, text = "Where is my parcel?", requester = new { email = $"buyer.{Guid.NewGuid():N}@example.com", name = "A buyer" } }))
            .ExpectAsync(HttpStatusCode.Created);
        return created.Long("id");
    }

    private static async Task<List<(string Kind, long CaseId, string Id)>> MineAsync(HttpClient client) =>
        [.. (await client.GetJsonAsync("/api/v1/notifications")).GetProperty("items").EnumerateArray().Select(n => (n.Str("kind"), n.Long("caseId"), n.Str("id")))];

    [Fact]
    public async Task AssignAndMention_NotifyTheOtherPerson_NotTheActor()
    {
        var lead = await app.CreateUserAsync(UserRole.Agent);
        var colleague = await app.CreateUserAsync(UserRole.Agent);
        var bystander = await app.CreateUserAsync(UserRole.Agent);
        using var leadClient = await app.CreateSessionClientAsync(lead.Id);
        using var colleagueClient = await app.CreateSessionClientAsync(colleague.Id);
        using var bystanderClient = await app.CreateSessionClientAsync(bystander.Id);
        var caseId = await CreateCaseAsync();

        await (await leadClient.PatchJsonAsync($"/api/v1/cases/{caseId}", new { assignee = colleague.Email })).ExpectAsync(HttpStatusCode.OK);
        await (await leadClient.PostJsonAsync($"/api/v1/cases/{caseId}/messages", new { type = "note", text = $"@{colleague.Email} please check the tracking. cc @{lead.Email}" }))
            .ExpectAsync(HttpStatusCode.Created);

        var theirs = await MineAsync(colleagueClient);
        Assert.Contains(("assigned", caseId), theirs.Select(n => (n.Kind, n.CaseId)));
        Assert.Contains(("mentioned", caseId), theirs.Select(n => (n.Kind, n.CaseId)));
        Assert.Empty(await MineAsync(leadClient));
        Assert.Empty(await MineAsync(bystanderClient));
    }

    [Fact]
    public async Task Mention_OfADepartmentMemberOnACaseNotEscalatedToThem_TellsThemNothing()
    {
        using var agent = await app.CreateUserClientAsync(UserRole.Agent);
        var member = await app.CreateUserAsync(UserRole.DepartmentMember, "legal");
        using var memberClient = await app.CreateSessionClientAsync(member.Id);
        var caseId = await CreateCaseAsync();

        await (await agent.PostJsonAsync($"/api/v1/cases/{caseId}/messages", new { type = "note", text = $"Maybe @{member.Email} knows?" })).ExpectAsync(HttpStatusCode.Created);

        Assert.Empty(await MineAsync(memberClient));
    }

    [Fact]
    public async Task AnotherPersonsNotification_CannotBeMarkedRead_404_NorListed()
    {
        var owner = await app.CreateUserAsync(UserRole.Agent);
        using var ownerClient = await app.CreateSessionClientAsync(owner.Id);
        using var other = await app.CreateUserClientAsync(UserRole.Agent);
        using var assigner = await app.CreateUserClientAsync(UserRole.Lead);
        var caseId = await CreateCaseAsync();
        await (await assigner.PatchJsonAsync($"/api/v1/cases/{caseId}", new { assignee = owner.Email })).ExpectAsync(HttpStatusCode.OK);
        var id = Assert.Single(await MineAsync(ownerClient)).Id;

        var stranger = await other.PostAsync($"/api/v1/notifications/{id}/read", null, TestContext.Current.CancellationToken);
        var strangersList = await MineAsync(other);
        var stillUnread = await ownerClient.GetJsonAsync("/api/v1/notifications?unread=true");
        var marked = await (await ownerClient.PostAsync($"/api/v1/notifications/{id}/read", null, TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.OK);
        var again = await ownerClient.PostAsync($"/api/v1/notifications/{id}/read", null, TestContext.Current.CancellationToken);
        var after = await ownerClient.GetJsonAsync("/api/v1/notifications");

        await stranger.ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(strangersList, n => n.Id == id);
        Assert.Equal(1, stillUnread.Int("unread"));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, marked.GetProperty("readAt").ValueKind);
        await again.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, after.Int("unread"));
    }

    [Fact]
    public async Task ApiKey_HasNoNotifications_403()
    {
        using var platform = await app.CreateApiClientAsync();

        var list = await platform.GetAsync("/api/v1/notifications", TestContext.Current.CancellationToken);
        var mark = await platform.PostAsync($"/api/v1/notifications/{Guid.NewGuid()}/read", null, TestContext.Current.CancellationToken);

        await list.ExpectProblemAsync(HttpStatusCode.Forbidden);
        await mark.ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SlaTarget_PassedOnMyCase_TellsTheAssignee()
    {
        var agent = await app.CreateUserAsync(UserRole.Specialist);
        using var agentClient = await app.CreateSessionClientAsync(agent.Id);
        using var lead = await app.CreateUserClientAsync(UserRole.Lead);
        var caseId = await CreateCaseAsync("payments.account_takeover");
        await (await lead.PatchJsonAsync($"/api/v1/cases/{caseId}", new { assignee = agent.Email })).ExpectAsync(HttpStatusCode.OK);

        time.Advance(TimeSpan.FromMinutes(16));
        // Moving the fake clock also wakes the monitor's own timer; whichever pass holds the cluster lock records the breach.
        List<string> kinds = [];
        for (var attempt = 0; attempt < 100 && !kinds.Contains("sla_breached"); attempt++)
        {
            await app.Services.GetRequiredService<SlaMonitor>().RunOnceAsync(TestContext.Current.CancellationToken);
            kinds = [.. (await MineAsync(agentClient)).Where(n => n.CaseId == caseId).Select(n => n.Kind)];
            if (!kinds.Contains("sla_breached"))
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        Assert.Contains("sla_breached", kinds);
    }
}

public sealed class SqliteNotificationApiTests(EscalationSqliteApp app) : NotificationApiTests(app.Factory, app.Time), IClassFixture<EscalationSqliteApp>;

public sealed class PostgresNotificationApiTests(EscalationPostgresApp app) : NotificationApiTests(app.Factory, app.Time), IClassFixture<EscalationPostgresApp>;

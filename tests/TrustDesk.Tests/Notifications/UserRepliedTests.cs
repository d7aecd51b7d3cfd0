using System.Net;
using TrustDesk.Identity;
using TrustDesk.Tests.Email;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Notifications;

/// <summary>The user writing again on a case (here by email, through the real inbound pipeline) tells its assignee.</summary>
public abstract class UserRepliedTests(EmailApp app)
{
    [Fact]
    public async Task UserAnswersByEmail_TheAssigneeIsTold()
    {
        var agent = await app.Factory.CreateUserAsync(UserRole.Agent);
        using var agentClient = await app.Factory.CreateSessionClientAsync(agent.Id);
        var address = $"{Mail.Unique("notify")}@example.com".ToLowerInvariant();
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text($"Buyer <{address}>", "Item not as described", "The card has a crease.", first));
        var caseId = await app.CaseOfAsync(first);
        await (await app.Api.PatchJsonAsync($"/api/v1/cases/{caseId}", new { assignee = agent.Email })).ExpectAsync(HttpStatusCode.OK);
        var before = await agentClient.GetJsonAsync("/api/v1/notifications");

        var answer = Mail.NewId();
        await app.PostRawAsync(Mail.Text(address, "Re: Item not as described", "Here is the photo.", answer, first));
        Assert.Equal(caseId, await app.CaseOfAsync(answer));

        var after = await agentClient.GetJsonAsync("/api/v1/notifications");
        Assert.DoesNotContain(before.GetProperty("items").EnumerateArray(), n => n.Str("kind") == "user_replied");
        var told = Assert.Single(after.GetProperty("items").EnumerateArray(), n => n.Str("kind") == "user_replied");
        Assert.Equal(caseId, told.Long("caseId"));
    }
}

public sealed class SqliteUserRepliedTests(SqliteEmailApp app) : UserRepliedTests(app), IClassFixture<SqliteEmailApp>;

public sealed class PostgresUserRepliedTests(PostgresEmailApp app) : UserRepliedTests(app), IClassFixture<PostgresEmailApp>;

using System.Net;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Cases;

/// <summary>Finding a person's cases by their email, and what a department member may write on an escalated case.</summary>
public sealed class RequesterAndDepartmentTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Search_ByRequesterEmail_FindsTheirCases_AndOnlyTheirs()
    {
        using var platform = await app.Factory.CreateApiClientAsync();
        var who = $"Buyer.{Guid.NewGuid():N}@Example.com";
        var theirs = await CreateCaseAsync(platform, who, "Parcel missing");
        var other = await CreateCaseAsync(platform, $"someone.{Guid.NewGuid():N}@example.com", "Parcel missing too");

        var found = await platform.GetJsonAsync($"/api/v1/cases?q={Uri.EscapeDataString(who.ToLowerInvariant())}");

        var ids = found.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).ToList();
        Assert.Contains(theirs, ids);
        Assert.DoesNotContain(other, ids);
    }

    [Fact]
    public async Task DepartmentMember_OnAnEscalatedCase_MayAddANote_ButNotReplyToTheUser()
    {
        using var platform = await app.Factory.CreateApiClientAsync();
        var caseId = await CreateCaseAsync(platform, $"payer.{Guid.NewGuid():N}@example.com", "Charged twice");
        await (await platform.PostJsonAsync($"/api/v1/cases/{caseId}/escalations", new { department = "payments" })).ExpectAsync(HttpStatusCode.Created);
        using var payments = await app.Factory.CreateUserClientAsync(UserRole.DepartmentMember, "payments");

        var reply = await payments.PostJsonAsync($"/api/v1/cases/{caseId}/messages", new { type = "reply", text = "We refunded you." });
        var note = await payments.PostJsonAsync($"/api/v1/cases/{caseId}/messages", new { type = "note", text = "Refund issued, ref R-1." });

        var problem = await reply.ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("application/problem+json", reply.Content.Headers.ContentType?.MediaType);
        Assert.Contains("note", problem.Str("detail"), StringComparison.Ordinal);
        await note.ExpectAsync(HttpStatusCode.Created);
        var thread = await platform.GetJsonAsync($"/api/v1/cases/{caseId}");
        Assert.DoesNotContain(thread.GetProperty("messages").EnumerateArray(), m => m.Str("text") == "We refunded you.");
    }

    private static async Task<long> CreateCaseAsync(HttpClient platform, string requester, string title)
    {
        var created = await (await platform.PostJsonAsync("/api/v1/cases",
                new { title, category = "order.not_received", text = "Help please.", requester = new { email = requester, name = "A buyer" } }))
            .ExpectAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetInt64();
    }
}

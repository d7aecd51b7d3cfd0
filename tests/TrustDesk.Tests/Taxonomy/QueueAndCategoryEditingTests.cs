using System.Net;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Taxonomy;

/// <summary>Leads and admins add queues and word the taxonomy; codes and names that routing uses never change.</summary>
public sealed class QueueAndCategoryEditingTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task CreateQueue_AsLead_IsListed_AndACaseCanBeFiledThere()
    {
        var lead = await app.Factory.CreateUserClientAsync(UserRole.Lead);
        var name = "vip-" + Guid.NewGuid().ToString("N")[..6];

        var created = await (await lead.PostJsonAsync("/api/v1/queues", new { name, description = "Top sellers" })).ExpectAsync(HttpStatusCode.Created);
        var platform = await app.Factory.CreateApiClientAsync("cases:write", "cases:read");
        var filed = await (await platform.PostJsonAsync("/api/v1/cases", new { title = "VIP seller question", category = "order.not_received", queue = name, text = "Where is it?" }))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(name, created.Str("name"));
        var queues = await lead.GetJsonAsync("/api/v1/queues");
        Assert.Contains(queues.EnumerateArray(), q => q.Str("name") == name && q.Str("description") == "Top sellers");
        Assert.Equal(name, filed.Str("queue"));
    }

    [Theory]
    [InlineData("VIP Sellers")]
    [InlineData("-dash")]
    [InlineData("triage")]
    [InlineData("")]
    public async Task CreateQueue_WithABadOrTakenName_IsRefused(string name)
    {
        var lead = await app.Factory.CreateUserClientAsync(UserRole.Lead);

        var response = await lead.PostJsonAsync("/api/v1/queues", new { name, description = "Something" });

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
    }

    [Fact]
    public async Task CreateQueue_AsAgent_IsForbidden()
    {
        var agent = await app.Factory.CreateUserClientAsync(UserRole.Agent);

        var response = await agent.PostJsonAsync("/api/v1/queues", new { name = "agents-own", description = "No" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task EditQueue_ChangesTheDescription_ButNeverTheName()
    {
        var lead = await app.Factory.CreateUserClientAsync(UserRole.Lead);
        var name = "edit-" + Guid.NewGuid().ToString("N")[..6];
        await (await lead.PostJsonAsync("/api/v1/queues", new { name, description = "Before" })).ExpectAsync(HttpStatusCode.Created);

        var edited = await (await lead.PatchJsonAsync($"/api/v1/queues/{name}", new { description = "After" })).ExpectAsync(HttpStatusCode.OK);
        var renamed = await lead.PatchJsonAsync($"/api/v1/queues/{name}", new { name = name + "-x", description = "After" });
        var missing = await lead.PatchJsonAsync("/api/v1/queues/no-such-queue", new { description = "After" });

        Assert.Equal("After", edited.Str("description"));
        await renamed.ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task DescribeCategory_ChangesLabelAndDescription_KeepsTheCode()
    {
        var admin = await app.Factory.CreateUserClientAsync(UserRole.Admin);

        var changed = await (await admin.PatchJsonAsync("/api/v1/categories/auction.shill_bidding",
            new { title = "Shill bidding (fake bids)", description = "Bids placed by the seller's own accounts." })).ExpectAsync(HttpStatusCode.OK);
        var empty = await admin.PatchJsonAsync("/api/v1/categories/auction.shill_bidding", new { title = " ", description = "x" });
        var missing = await admin.PatchJsonAsync("/api/v1/categories/no.such", new { title = "Nothing" });
        var agent = await app.Factory.CreateUserClientAsync(UserRole.Agent);
        var byAgent = await agent.PatchJsonAsync("/api/v1/categories/auction.shill_bidding", new { title = "Mine" });

        Assert.Equal("auction.shill_bidding", changed.Str("code"));
        var listed = (await agent.GetJsonAsync("/api/v1/categories")).EnumerateArray().Single(c => c.Str("code") == "auction.shill_bidding");
        Assert.Equal("Shill bidding (fake bids)", listed.Str("title"));
        Assert.Equal("Bids placed by the seller's own accounts.", listed.Str("description"));
        await empty.ExpectProblemAsync(HttpStatusCode.BadRequest, "title");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
    }
}

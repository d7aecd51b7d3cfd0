using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Access;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Access;

/// <summary>An Admin issues, lists and revokes the platform's API keys; a key does what its scopes allow and no more.</summary>
public sealed class ApiKeyApiTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task CreatedKey_IsShownOnce_StoredHashed_LimitedToItsScopes_AndStopsWhenRevoked()
    {
        using var admin = await app.Factory.CreateUserClientAsync(UserRole.Admin);

        var created = await (await admin.PostJsonAsync("/api/v1/apikeys", new { name = "Reports only", scopes = new[] { "reports:write" } }))
            .ExpectAsync(HttpStatusCode.Created);
        var secret = created.Str("secret");
        var id = created.GetProperty("key").Str("id");

        var stored = await app.Factory.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == Guid.Parse(id)));
        Assert.DoesNotContain(secret, stored.Hash, StringComparison.Ordinal);
        var listed = await (await admin.GetAsync("/api/v1/apikeys", TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Reports only", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);

        using var platform = app.Factory.CreateClient();
        platform.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        await (await platform.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = "key-" + id[..8] }, category = "order.not_received", text = "Never arrived." }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.GetAsync("/api/v1/cases", TestContext.Current.CancellationToken)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/apikeys/{id}", TestContext.Current.CancellationToken)).StatusCode);
        var afterRevoke = await platform.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = "key-after" }, category = "order.not_received", text = "Again." });
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task CreateKey_UnknownScopeOrNoName_AnswersFieldErrors()
    {
        using var admin = await app.Factory.CreateUserClientAsync(UserRole.Admin);

        var problem = await (await admin.PostJsonAsync("/api/v1/apikeys", new { name = "", scopes = new[] { "everything:forever" } }))
            .ExpectAsync(HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _), errors.ToString());
        Assert.True(errors.EnumerateObject().Any(e => e.Name.StartsWith("scopes", StringComparison.Ordinal)), errors.ToString());
    }

    [Fact]
    public async Task KeysApi_AsAnAgent_IsRefused()
    {
        using var agent = await app.Factory.CreateUserClientAsync(UserRole.Agent);

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/apikeys", TestContext.Current.CancellationToken)).StatusCode);
    }
}

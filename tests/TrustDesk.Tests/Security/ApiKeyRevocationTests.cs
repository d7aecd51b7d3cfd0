using TrustDesk.Access;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Security;

/// <summary>
/// Finding 1 of the outside probe: a revoked API key kept working for about 30 seconds (59 answered requests), because
/// found keys were cached. Now a revocation empties the cache at once, on the node that revoked and, over PostgreSQL,
/// on every other node.
/// </summary>
public sealed class ApiKeyRevocationTests(PostgresServer server)
{
    private static async Task RevokeAsync(TrustDeskFactory app, string secret)
    {
        using var admin = await app.CreateUserClientAsync(UserRole.Admin);
        var keys = await admin.GetJsonAsync("/api/v1/apikeys");
        var id = keys.EnumerateArray().Single(k => secret.StartsWith(k.Str("displayPrefix"), StringComparison.Ordinal) && k.GetProperty("revokedAt").ValueKind == System.Text.Json.JsonValueKind.Null).Str("id");
        var response = await admin.DeleteAsync($"/api/v1/apikeys/{id}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static HttpClient KeyClient(TrustDeskFactory app, string secret)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    [Fact]
    public async Task RevokedKey_StopsAtOnce_OnTheNodeThatRevokedIt()
    {
        await using var app = new TrustDeskFactory(Provider.Sqlite, null);
        var secret = await app.CreateApiKeyAsync();
        using var platform = KeyClient(app, secret);
        await platform.GetJsonAsync("/api/v1/cases");

        await RevokeAsync(app, secret);

        await platform.GetJsonAsync("/api/v1/cases", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RevokedKey_StopsAtOnce_OnAnotherNode()
    {
        var database = await server.CreateDatabaseAsync();
        await using var first = new TrustDeskFactory(Provider.Postgres, database);
        await using var second = new TrustDeskFactory(Provider.Postgres, database);
        _ = first.Server;
        _ = second.Server;
        await first.Services.GetRequiredService<PostgresApiKeyRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await second.Services.GetRequiredService<PostgresApiKeyRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var secret = await first.CreateApiKeyAsync();
        using var onSecond = KeyClient(second, secret);
        // The second node has now found the key and keeps it.
        await onSecond.GetJsonAsync("/api/v1/cases");
        await onSecond.GetJsonAsync("/api/v1/cases");

        await RevokeAsync(first, secret);

        // A notification takes milliseconds; the old cache kept the key for 30 s. Allow a generous few seconds on a busy machine.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        HttpStatusCode status;
        do
        {
            status = (await onSecond.GetAsync("/api/v1/cases", TestContext.Current.CancellationToken)).StatusCode;
            if (status == HttpStatusCode.Unauthorized)
            {
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task DisabledUser_TheirTokenAndSessionStopAtOnce_OnAnotherNode()
    {
        var database = await server.CreateDatabaseAsync();
        await using var first = new TrustDeskFactory(Provider.Postgres, database);
        await using var second = new TrustDeskFactory(Provider.Postgres, database);
        var agent = await first.CreateUserAsync(UserRole.Agent);
        using var session = await second.CreateSessionClientAsync(agent.Id);
        var token = (await (await session.PostJsonAsync("/api/v1/auth/tokens", new { name = "script" })).ExpectAsync(HttpStatusCode.Created)).Str("secret");
        using var script = KeyClient(second, token);
        await script.GetJsonAsync("/api/v1/cases");
        using var admin = await first.CreateUserClientAsync(UserRole.Admin);

        await (await admin.PatchJsonAsync($"/api/v1/users/{agent.Id}", new { disabled = true })).ExpectAsync(HttpStatusCode.OK);

        await script.GetJsonAsync("/api/v1/cases", HttpStatusCode.Unauthorized);
        await session.GetJsonAsync("/api/v1/cases", HttpStatusCode.Unauthorized);
    }
}

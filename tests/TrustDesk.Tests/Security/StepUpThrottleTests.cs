using System.Net;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Security;

/// <summary>
/// Finding 2 of the outside probe: a valid session could guess the current password through POST /api/v1/auth/password
/// without limit (40 wrong attempts, all 400). Password changes, MFA codes and reveals are now throttled per account and
/// per address, and wrong passwords count towards the account's lock-out.
/// </summary>
public sealed class StepUpThrottleTests : IAsyncDisposable
{
    private readonly List<TrustDeskFactory> _apps = [];

    private TrustDeskFactory App(Dictionary<string, string?>? settings = null)
    {
        var app = new TrustDeskFactory(Provider.Sqlite, null, settings);
        _apps.Add(app);
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    private static Task<HttpResponseMessage> ChangePasswordAsync(HttpClient client, string current) =>
        client.PostJsonAsync("/api/v1/auth/password", new { currentPassword = current, newPassword = "a long new passphrase for me" });

    [Fact]
    public async Task ChangePassword_GuessingTheCurrentPassword_IsStoppedWithRetryAfter_AndLocksTheAccount()
    {
        var app = App(new() { ["TrustDesk:Identity:StepUpAttemptsPerAccount"] = "100" });
        var agent = await app.CreateUserAsync(UserRole.Agent);
        using var session = await app.CreateSessionClientAsync(agent.Id);
        for (var i = 0; i < 10; i++)
        {
            await (await ChangePasswordAsync(session, $"guess number {i}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "currentPassword");
        }

        var response = await ChangePasswordAsync(session, agent.Password);

        await response.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture) > 60);
        using var browser = app.CreateClient();
        await (await browser.PostJsonAsync("/api/v1/auth/signin", new { email = agent.Email, password = agent.Password })).ExpectAsync(HttpStatusCode.Unauthorized);
        var actions = await app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Where(e => e.ActorId == agent.Id.ToString()).Select(e => e.Action).ToList()));
        Assert.Contains("account.locked", actions);
        Assert.Equal(10, actions.Count(a => a == "password.change_failed"));
    }

    [Fact]
    public async Task ChangePassword_PerAccountBudget_Answers429WithRetryAfter()
    {
        var app = App(new() { ["TrustDesk:Identity:StepUpAttemptsPerAccount"] = "3" });
        var agent = await app.CreateUserAsync(UserRole.Agent);
        using var session = await app.CreateSessionClientAsync(agent.Id);
        for (var i = 0; i < 3; i++)
        {
            await (await ChangePasswordAsync(session, $"guess {i}")).ExpectAsync(HttpStatusCode.BadRequest);
        }

        var response = await ChangePasswordAsync(session, "guess 4");

        await response.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task ChangePassword_PerAddressBudget_SpansAccounts()
    {
        var app = App(new() { ["TrustDesk:Identity:StepUpAttemptsPerIp"] = "4" });
        var first = await app.CreateUserAsync(UserRole.Agent);
        var second = await app.CreateUserAsync(UserRole.Agent);
        using var one = await app.CreateSessionClientAsync(first.Id);
        using var two = await app.CreateSessionClientAsync(second.Id);
        for (var i = 0; i < 2; i++)
        {
            await (await ChangePasswordAsync(one, $"guess {i}")).ExpectAsync(HttpStatusCode.BadRequest);
            await (await ChangePasswordAsync(two, $"guess {i}")).ExpectAsync(HttpStatusCode.BadRequest);
        }

        var response = await ChangePasswordAsync(two, "guess 3");

        await response.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task ConfirmMfa_GuessingCodes_Answers429()
    {
        var app = App(new() { ["TrustDesk:Identity:StepUpAttemptsPerAccount"] = "3" });
        var agent = await app.CreateUserAsync(UserRole.Agent, enrolMfa: false);
        using var session = await app.CreateSessionClientAsync(agent.Id);
        await (await session.PostJsonAsync("/api/v1/auth/mfa/enrol", new { })).ExpectAsync(HttpStatusCode.OK);
        for (var i = 0; i < 3; i++)
        {
            await (await session.PostJsonAsync("/api/v1/auth/mfa/confirm", new { code = $"00000{i}" })).ExpectAsync(HttpStatusCode.BadRequest);
        }

        var response = await session.PostJsonAsync("/api/v1/auth/mfa/confirm", new { code = "000009" });

        await response.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Reveal_BeyondTheBudget_Answers429_AndWritesNoMoreAuditEntries()
    {
        var app = App(new() { ["TrustDesk:Identity:RevealsPerAccount"] = "2" });
        using var platform = await app.CreateApiClientAsync();
        var created = await (await platform.PostJsonAsync("/api/v1/cases", new
        {
            title = "Where is it",
            category = "order.not_received",
            text = "Never came.",
            requester = new { email = "buyer@example.com", name = "Buyer" },
        })).ExpectAsync(HttpStatusCode.Created);
        var id = created.Long("id");
        var agent = await app.CreateUserAsync(UserRole.Agent);
        using var session = await app.CreateSessionClientAsync(agent.Id);
        for (var i = 0; i < 2; i++)
        {
            await (await session.PostJsonAsync($"/api/v1/cases/{id}/reveal", new { reason = "Checking the buyer's claim" })).ExpectAsync(HttpStatusCode.OK);
        }

        var response = await session.PostJsonAsync($"/api/v1/cases/{id}/reveal", new { reason = "Checking the buyer's claim" });

        await response.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(response.Headers.Contains("Retry-After"));
        var reveals = await app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Count(e => e.Action == "personal_data.revealed")));
        Assert.Equal(2, reveals);
    }
}

using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Identity;

/// <summary>Sign-in, MFA, sessions, lock-out and tokens, on an app of its own per test with a fake clock.</summary>
public sealed class SignInTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private readonly List<TrustDeskFactory> _factories = [];

    private TrustDeskFactory App(Dictionary<string, string?>? settings = null)
    {
        var factory = new TrustDeskFactory(Provider.Sqlite, null, settings, _time);
        _factories.Add(factory);
        return factory;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var factory in _factories)
        {
            await factory.DisposeAsync();
        }
    }

    private static HttpClient Browser(TrustDeskFactory app) => app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? totp = null, string? recoveryCode = null) =>
        client.PostJsonAsync("/api/v1/auth/signin", new { email, password, totp, recoveryCode });

    private string Code(string secret) => Totp.Compute(secret, _time.GetUtcNow().UtcDateTime);

    [Fact]
    public async Task SignIn_RightPassword_SetsAnHttpOnlySessionCookieThatWorks()
    {
        var app = App();
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var browser = Browser(app);

        var response = await SignInAsync(browser, agent.Email, agent.Password);

        var json = await response.ExpectAsync(HttpStatusCode.OK);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("td_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.False(json.GetProperty("mfaEnrolmentRequired").GetBoolean());
        Assert.Contains("cases.read", json.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        var me = await browser.GetJsonAsync("/api/v1/auth/me");
        Assert.Equal(agent.Email, me.GetProperty("user").Str("email"));
        await browser.GetJsonAsync("/api/v1/cases");
    }

    [Fact]
    public async Task SignIn_UnknownUserAndWrongPassword_GetTheSameAnswer()
    {
        var app = App();
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var client = app.CreateClient();

        var unknown = await (await SignInAsync(client, "nobody-here@staff.example", agent.Password)).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        var wrong = await (await SignInAsync(client, agent.Email, agent.Password + "x")).ExpectProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(unknown.Str("title"), wrong.Str("title"));
        Assert.Equal(unknown.Str("detail"), wrong.Str("detail"));
    }

    [Fact]
    public async Task SignIn_TenWrongPasswords_LockTheAccount_AndTheEleventhSaysNothingAboutWhy()
    {
        var app = App();
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var client = app.CreateClient();
        string? wrongAnswer = null;
        for (var i = 0; i < 10; i++)
        {
            var response = await SignInAsync(client, agent.Email, "wrong password number " + i);
            wrongAnswer = (await response.ExpectProblemAsync(HttpStatusCode.Unauthorized)).Str("detail");
        }

        var eleventh = await SignInAsync(client, agent.Email, agent.Password);

        var json = await eleventh.ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(wrongAnswer, json.Str("detail"));
        Assert.DoesNotContain("lock", (await eleventh.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ToLowerInvariant(), StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromMinutes(16));
        await (await SignInAsync(client, agent.Email, agent.Password)).ExpectAsync(HttpStatusCode.OK);
        var audit = await app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Where(e => e.TargetId == agent.Id.ToString()).Select(e => e.Action).ToList()));
        Assert.Contains("account.locked", audit);
        Assert.Equal(11, audit.Count(a => a == "signin.failed"));
        Assert.Contains("signin.succeeded", audit);
    }

    [Fact]
    public async Task SignIn_TooManyAttemptsFromOneAddress_Answers429WithRetryAfter()
    {
        var app = App(new() { ["TrustDesk:Identity:SignInAttemptsPerIp"] = "3" });
        var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await (await SignInAsync(client, $"someone{i}@staff.example", "not the password at all")).ExpectAsync(HttpStatusCode.Unauthorized);
        }

        var limited = await SignInAsync(client, "someone@staff.example", "not the password at all");

        await limited.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 300);
        _time.Advance(TimeSpan.FromMinutes(5));
        await (await SignInAsync(client, "someone@staff.example", "not the password at all")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AdminWithoutTotp_ReachesNoAdminEndpoint_UntilEnrolled()
    {
        var app = App();
        var admin = await app.CreateUserAsync(UserRole.Admin, enrolMfa: false);
        var browser = Browser(app);

        var signedIn = await (await SignInAsync(browser, admin.Email, admin.Password)).ExpectAsync(HttpStatusCode.OK);
        Assert.True(signedIn.GetProperty("mfaEnrolmentRequired").GetBoolean());
        Assert.Empty(signedIn.GetProperty("permissions").EnumerateArray());
        foreach (var path in new[] { "/api/v1/users", "/api/v1/apikeys", "/api/v1/audit", "/api/v1/categories", "/api/v1/auth/tokens" })
        {
            await browser.GetJsonAsync(path, HttpStatusCode.Forbidden);
        }

        await (await browser.PostJsonAsync("/api/v1/users", new { email = "x@staff.example", role = "agent" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        var enrolment = await (await browser.PostJsonAsync("/api/v1/auth/mfa/enrol", new { })).ExpectAsync(HttpStatusCode.OK);
        await (await browser.PostJsonAsync("/api/v1/auth/mfa/confirm", new { code = "000000" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "code");
        var confirmed = await (await browser.PostJsonAsync("/api/v1/auth/mfa/confirm", new { code = Code(enrolment.Str("secret")) })).ExpectAsync(HttpStatusCode.OK);

        Assert.StartsWith("otpauth://totp/", enrolment.Str("otpAuthUri"), StringComparison.Ordinal);
        Assert.Equal(10, confirmed.GetProperty("recoveryCodes").GetArrayLength());
        await browser.GetJsonAsync("/api/v1/users");
        var actions = await app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Where(e => e.TargetId == admin.Id.ToString()).Select(e => e.Action).ToList()));
        Assert.Contains("mfa.enrolment_started", actions);
        Assert.Contains("mfa.enabled", actions);
    }

    [Fact]
    public async Task RequireMfaForEveryone_AnAgentWithoutTotp_MustEnrolFirst()
    {
        var app = App(new() { ["TrustDesk:Identity:RequireMfaForEveryone"] = "true" });
        var agent = await app.CreateUserAsync(UserRole.Agent, enrolMfa: false);
        var browser = Browser(app);

        var signedIn = await (await SignInAsync(browser, agent.Email, agent.Password)).ExpectAsync(HttpStatusCode.OK);

        Assert.True(signedIn.GetProperty("mfaEnrolmentRequired").GetBoolean());
        await browser.GetJsonAsync("/api/v1/cases", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Lead_SignIn_NeedsTheCode_AcceptsEachCodeOnce_AndRecoveryCodes()
    {
        var app = App();
        var lead = await app.CreateUserAsync(UserRole.Lead);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        var noCode = await (await SignInAsync(client, lead.Email, lead.Password)).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        var code = Code(lead.TotpSecret!);
        await (await SignInAsync(client, lead.Email, lead.Password, code)).ExpectAsync(HttpStatusCode.OK);
        var replay = await (await SignInAsync(client, lead.Email, lead.Password, code)).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await SignInAsync(client, lead.Email, lead.Password, recoveryCode: lead.RecoveryCodes[0])).ExpectAsync(HttpStatusCode.OK);
        await (await SignInAsync(client, lead.Email, lead.Password, recoveryCode: lead.RecoveryCodes[0])).ExpectAsync(HttpStatusCode.Unauthorized);
        _time.Advance(TimeSpan.FromSeconds(30));
        await (await SignInAsync(client, lead.Email, lead.Password, Code(lead.TotpSecret!))).ExpectAsync(HttpStatusCode.OK);

        Assert.True(noCode.GetProperty("mfaRequired").GetBoolean());
        Assert.False(replay.TryGetProperty("mfaRequired", out _));
    }

    [Fact]
    public async Task DisabledUser_OpenSessionAndTokenStopWorkingAtOnce()
    {
        var app = App();
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var browser = Browser(app);
        await (await SignInAsync(browser, agent.Email, agent.Password)).ExpectAsync(HttpStatusCode.OK);
        var token = await (await browser.PostJsonAsync("/api/v1/auth/tokens", new { name = "export script" })).ExpectAsync(HttpStatusCode.Created);
        var script = app.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Str("secret"));
        await browser.GetJsonAsync("/api/v1/cases");
        await script.GetJsonAsync("/api/v1/cases");
        var admin = await app.CreateUserClientAsync(UserRole.Admin);

        await (await admin.PatchJsonAsync($"/api/v1/users/{agent.Id}", new { disabled = true })).ExpectAsync(HttpStatusCode.OK);

        await browser.GetJsonAsync("/api/v1/cases", HttpStatusCode.Unauthorized);
        await script.GetJsonAsync("/api/v1/cases", HttpStatusCode.Unauthorized);
        await (await SignInAsync(app.CreateClient(), agent.Email, agent.Password)).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Session_EndsAfterIdleTimeout_AndAfterAbsoluteTimeoutHoweverActive()
    {
        var app = App();
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var idle = Browser(app);
        var busy = Browser(app);
        await (await SignInAsync(idle, agent.Email, agent.Password)).ExpectAsync(HttpStatusCode.OK);
        await (await SignInAsync(busy, agent.Email, agent.Password)).ExpectAsync(HttpStatusCode.OK);

        for (var minutes = 0; minutes < 12 * 60 - 20; minutes += 20)
        {
            _time.Advance(TimeSpan.FromMinutes(20));
            await busy.GetJsonAsync("/api/v1/auth/me");
        }

        await idle.GetJsonAsync("/api/v1/auth/me", HttpStatusCode.Unauthorized);
        _time.Advance(TimeSpan.FromMinutes(20));
        await busy.GetJsonAsync("/api/v1/auth/me", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SignOut_EndsTheSessionOnTheServer_AndEachSignInGetsANewId()
    {
        var app = App();
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var first = (await SignInAsync(client, agent.Email, agent.Password)).Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var second = (await SignInAsync(client, agent.Email, agent.Password)).Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/signout");
        request.Headers.Add("Cookie", second);

        await (await client.SendAsync(request, TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.NoContent);

        Assert.NotEqual(first, second);
        using var reuse = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        reuse.Headers.Add("Cookie", second);
        await (await client.SendAsync(reuse, TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.Unauthorized);
        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        other.Headers.Add("Cookie", first);
        await (await client.SendAsync(other, TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("short pass", "newPassword")]
    [InlineData("password1234", "newPassword")]
    [InlineData("iloveyou2024!", "newPassword")]
    [InlineData("111111111111111", "newPassword")]
    [InlineData("twelve chars", "newPassword")]
    public async Task ChangePassword_WeakOrCommon_Returns400NamingTheField(string password, string field)
    {
        var app = App();
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var client = await app.CreateSessionClientAsync(agent.Id);

        var response = await client.PostJsonAsync("/api/v1/auth/password", new { currentPassword = agent.Password, newPassword = password });

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task ChangePassword_LongPassphraseWithoutCompositionRules_IsAccepted()
    {
        var app = App();
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var client = await app.CreateSessionClientAsync(agent.Id);
        var passphrase = string.Concat(Enumerable.Repeat("correct horse battery staple ", 5))[..128];

        await (await client.PostJsonAsync("/api/v1/auth/password", new { currentPassword = agent.Password, newPassword = passphrase })).ExpectAsync(HttpStatusCode.NoContent);

        await (await SignInAsync(app.CreateClient(), agent.Email, passphrase)).ExpectAsync(HttpStatusCode.OK);
        Assert.True(PasswordPolicy.ListSize > 5_000);
    }

    [Fact]
    public async Task PersonalAccessToken_ActsAsItsUser_CannotAdminister_AndStopsWhenRevoked()
    {
        var app = App();
        var admin = await app.CreateUserClientAsync(UserRole.Admin);
        var created = await (await admin.PostJsonAsync("/api/v1/auth/tokens", new { name = "admin script", expiresInDays = 7 })).ExpectAsync(HttpStatusCode.Created);
        var script = app.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Str("secret"));

        await script.GetJsonAsync("/api/v1/audit");
        await script.GetJsonAsync("/api/v1/users", HttpStatusCode.Forbidden);
        await (await script.PostJsonAsync("/api/v1/auth/tokens", new { name = "another" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await script.PostJsonAsync("/api/v1/auth/mfa/recovery-codes", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await script.PostJsonAsync("/api/v1/auth/password", new { currentPassword = "x", newPassword = "y" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/auth/tokens/{created.GetProperty("token").Str("id")}"),
            TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.NoContent);
        await script.GetJsonAsync("/api/v1/audit", HttpStatusCode.Unauthorized);
        _ = await app.WithDbAsync(db => Task.FromResult(db.PersonalAccessTokens.Single().Hash.Length == 64 ? 0 : throw new InvalidOperationException("not hashed")));
    }

    [Fact]
    public async Task ResetPasswordByAdmin_EndsSessionsAndTokens_AndTheNewPasswordSignsIn()
    {
        var app = App();
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var session = await app.CreateSessionClientAsync(agent.Id);
        var token = await (await session.PostJsonAsync("/api/v1/auth/tokens", new { name = "script" })).ExpectAsync(HttpStatusCode.Created);
        var script = app.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Str("secret"));
        var admin = await app.CreateUserClientAsync(UserRole.Admin);

        var reset = await (await admin.PostJsonAsync($"/api/v1/users/{agent.Id}/password/reset", new { })).ExpectAsync(HttpStatusCode.OK);

        await session.GetJsonAsync("/api/v1/auth/me", HttpStatusCode.Unauthorized);
        await script.GetJsonAsync("/api/v1/cases", HttpStatusCode.Unauthorized);
        await (await SignInAsync(app.CreateClient(), agent.Email, agent.Password)).ExpectAsync(HttpStatusCode.Unauthorized);
        await (await SignInAsync(app.CreateClient(), agent.Email, reset.Str("password"))).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CreateUser_ByAdmin_GivesAGeneratedPasswordThatSignsIn_AndNamesBadFields()
    {
        var app = App();
        var admin = await app.CreateUserClientAsync(UserRole.Admin);

        var created = await (await admin.PostJsonAsync("/api/v1/users", new { email = "new.agent@staff.example", role = "specialist" })).ExpectAsync(HttpStatusCode.Created);
        await (await admin.PostJsonAsync("/api/v1/users", new { email = "dept@staff.example", role = "department_member" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "department");
        await (await admin.PostJsonAsync("/api/v1/users", new { email = "new.agent@staff.example", role = "agent" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "email");
        await (await admin.SendRawAsync(HttpMethod.Post, "/api/v1/users", """{"email":"x@staff.example","role":"boss"}""")).ExpectProblemAsync(HttpStatusCode.BadRequest, "role");

        await (await SignInAsync(app.CreateClient(), "new.agent@staff.example", created.Str("password"))).ExpectAsync(HttpStatusCode.OK);
    }
}

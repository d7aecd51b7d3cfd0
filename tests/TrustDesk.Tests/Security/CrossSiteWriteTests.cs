using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Security;

/// <summary>
/// Finding 3 of the outside probe: the console's sign-out and the cookie-authenticated JSON API accepted requests from
/// another origin, with only SameSite=Strict in the way. Also the headers console pages carry.
/// </summary>
public sealed class CrossSiteWriteTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static HttpRequestMessage CreateToken(string? origin = null, string? fetchSite = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/tokens") { Content = JsonContent.Create(new { name = "script", expiresInDays = 5 }) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        return request;
    }

    [Fact]
    public async Task CookieApiWrite_FromAnotherOrigin_IsRefused()
    {
        using var browser = await app.Factory.CreateUserClientAsync(UserRole.Agent);

        var response = await browser.SendAsync(CreateToken(origin: "http://evil.example"), TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.Empty((await browser.GetJsonAsync("/api/v1/auth/tokens")).EnumerateArray());
    }

    [Fact]
    public async Task CookieApiWrite_MarkedCrossSiteByTheBrowser_IsRefused()
    {
        using var browser = await app.Factory.CreateUserClientAsync(UserRole.Agent);

        var response = await browser.SendAsync(CreateToken(fetchSite: "same-site"), TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CookieApiWrite_FromTheSameOrigin_Works()
    {
        using var browser = await app.Factory.CreateUserClientAsync(UserRole.Agent);

        var response = await browser.SendAsync(CreateToken(origin: "http://localhost", fetchSite: "same-origin"), TestContext.Current.CancellationToken);

        await response.ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task BearerWrite_WithAForeignOrigin_IsUnaffected()
    {
        var agent = await app.Factory.CreateUserClientAsync(UserRole.Agent);
        var token = (await (await agent.PostJsonAsync("/api/v1/auth/tokens", new { name = "script" })).ExpectAsync(HttpStatusCode.Created)).Str("secret");
        using var script = app.Factory.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var platform = await app.Factory.CreateApiClientAsync();
        var caseRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases")
        {
            Content = JsonContent.Create(new { title = "From a script page", category = "order.not_received", text = "Never came." }),
        };
        caseRequest.Headers.Add("Origin", "http://evil.example");
        caseRequest.Headers.Add("Sec-Fetch-Site", "cross-site");

        var response = await platform.SendAsync(caseRequest, TestContext.Current.CancellationToken);

        await response.ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ConsoleSignOut_FromAnotherOrigin_IsRefused_AndTheSessionLives()
    {
        using var browser = await app.Factory.CreateUserClientAsync(UserRole.Agent);
        var request = new HttpRequestMessage(HttpMethod.Post, "/console/signout") { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("Origin", "http://evil.example");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        var response = await browser.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await browser.GetJsonAsync("/api/v1/auth/me");
    }

    [Fact]
    public async Task ConsoleSignOut_WithoutAntiforgeryToken_IsRefused_AndTheSessionLives()
    {
        using var browser = await app.Factory.CreateUserClientAsync(UserRole.Agent);

        var response = await browser.PostAsync("/console/signout", new FormUrlEncodedContent([]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await browser.GetJsonAsync("/api/v1/auth/me");
    }

    [Fact]
    public async Task SignIn_FromAnotherOrigin_IsRefused()
    {
        var agent = await app.Factory.CreateUserAsync(UserRole.Agent);
        using var client = app.Factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/signin") { Content = JsonContent.Create(new { email = agent.Email, password = agent.Password }) };
        request.Headers.Add("Origin", "http://evil.example");

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("/signin")]
    [InlineData("/")]
    public async Task ConsolePage_CarriesTheSecurityHeaders(string path)
    {
        using var client = app.Factory.CreateClient();

        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        // Plain HTTP: no HSTS (it would pin a host that has no certificate).
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ApiError_CarriesTheHeadersToo()
    {
        using var client = app.Factory.CreateClient();

        var response = await client.GetAsync("/api/v1/cases", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}

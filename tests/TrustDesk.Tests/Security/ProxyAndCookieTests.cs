using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Security;

/// <summary>
/// Finding 4 of the outside probe: the session cookie was never Secure, not even behind a TLS-terminating proxy that
/// sends X-Forwarded-Proto: https. Forwarded headers now count from configured proxies only.
/// </summary>
public sealed class ProxyAndCookieTests : IAsyncDisposable
{
    private const string Proxy = "10.20.30.40";
    private readonly TrustDeskFactory _app = new(Provider.Sqlite, null, new Dictionary<string, string?>
    {
        ["TrustDesk:Security:KnownProxies:0"] = Proxy,
    });

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>Gives each test request the remote address named in a test-only header, as a real connection would have it.</summary>
    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Remote-Address", out var address))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                    context.Request.Headers.Remove("X-Test-Remote-Address");
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private async Task<HttpResponseMessage> SignInThroughAsync(string remoteAddress, string? forwardedProto)
    {
        var user = await _app.CreateUserAsync(UserRole.Agent);
        using var client = _app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>()))
            .CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://desk.example"), HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/signin") { Content = JsonContent.Create(new { email = user.Email, password = user.Password }) };
        request.Headers.Add("X-Test-Remote-Address", remoteAddress);
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task SignIn_BehindAKnownProxyOverHttps_SetsASecureCookie_AndHsts()
    {
        var response = await SignInThroughAsync(Proxy, "https");

        await response.ExpectAsync(HttpStatusCode.OK);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("td_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        // The client's address, not the proxy's, is what the audit trail records.
        var ip = await _app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Where(e => e.Action == "signin.succeeded").OrderBy(e => e.Sequence).Select(e => e.Ip).Last()));
        Assert.Equal("203.0.113.9", ip);
    }

    [Fact]
    public async Task SignIn_ForwardedProtoFromAnUnknownAddress_IsIgnored()
    {
        var response = await SignInThroughAsync("198.51.100.7", "https");

        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("secure", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        var ip = await _app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Where(e => e.Action == "signin.succeeded").OrderBy(e => e.Sequence).Select(e => e.Ip).Last()));
        Assert.Equal("198.51.100.7", ip);
    }

    [Fact]
    public async Task SignIn_OverHttpsDirectly_SetsASecureCookie()
    {
        var user = await _app.CreateUserAsync(UserRole.Agent);
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), HandleCookies = false });

        var response = await client.PostJsonAsync("/api/v1/auth/signin", new { email = user.Email, password = user.Password });

        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("secure", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.True(response.Headers.Contains("Strict-Transport-Security"));
    }
}

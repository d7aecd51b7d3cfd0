using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TrustDesk.Data;
using TrustDesk.Demo;
using TrustDesk.Identity;

[assembly: AssemblyFixture(typeof(TrustDesk.BrowserTests.Infrastructure.ConsoleServer))]

namespace TrustDesk.BrowserTests.Infrastructure;

/// <summary>
/// The real app on Kestrel on a free loopback port, over a fresh SQLite file seeded with the demo marketplace and its
/// users, and one Chromium (Debian's, at /usr/bin/chromium) for all tests.
/// </summary>
public sealed class ConsoleServer : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "trustdesk-browser-" + Guid.NewGuid().ToString("N")[..10]);
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = default!;
    public IServiceProvider Services => _app!.Services;
    public string ApiKey { get; private set; } = "";
    public IReadOnlyList<DemoUsers.SignInDetails> Users { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        _app = TrustDeskApp.Build([
            "--urls", "http://127.0.0.1:0",
            "--applicationName", "trustdesk",
            "--environment", "Testing",
            "--TrustDesk:DataDirectory", _dataDirectory,
            "--TrustDesk:Identity:SignInAttemptsPerIp", "100000",
            // The monitor's alerts are checked when a test asks (DashboardTests), so a timer does not raise them first.
            "--TrustDesk:Metrics:AlertInterval", "40.00:00:00",
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        (ApiKey, _) = await DemoMarketplace.SeedAsync(_app.Services, CancellationToken.None);
        Users = await DemoUsers.EnsureAsync(_app.Services, CancellationToken.None);

        // The suite shares two cores with the other test assembly: waits are generous, never sleeps.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public DemoUsers.SignInDetails User(UserRole role) => Users.First(u => u.Role == role);

    /// <summary>A browser context at 1366×768, the laptop the console must work on.</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
        });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    /// <summary>
    /// A context already signed in as the user, through a session started with the app's own types (each TOTP code
    /// works once, so only the sign-in test types one).
    /// </summary>
    public async Task<IPage> SignedInPageAsync(UserRole role)
    {
        var context = await NewContextAsync();
        await SignInAsync(context, role);
        return await context.NewPageAsync();
    }

    /// <summary>Gives the browser context a new session cookie of the demo user.</summary>
    public async Task SignInAsync(IBrowserContext context, UserRole role)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TrustDeskUser>>();
        var user = await users.FindByEmailAsync(User(role).Email) ?? throw new InvalidOperationException("No demo user.");
        var (session, secret) = UserSession.Start(user.Id, mfaSatisfied: true, "127.0.0.1", DateTime.UtcNow);
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        db.UserSessions.Add(session);
        await db.SaveChangesAsync();
        await context.AddCookiesAsync([new Cookie { Name = SessionAuthenticationHandler.CookieName, Value = secret, Url = BaseUrl }]);
    }

    /// <summary>Ends every session of the demo user on the server, as signing out elsewhere or a timeout would.</summary>
    public async Task EndSessionsAsync(UserRole role)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TrustDeskUser>>();
        var user = await users.FindByEmailAsync(User(role).Email) ?? throw new InvalidOperationException("No demo user.");
        var now = DateTime.UtcNow;
        await scope.ServiceProvider.GetRequiredService<TrustDeskDb>().UserSessions.Where(s => s.UserId == user.Id && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, "signed_out"));
    }

    public HttpClient ApiClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    /// <summary>docs/screenshots/, found from the test's output folder upwards.</summary>
    public static string ScreenshotPath(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TrustDesk.slnx")))
        {
            directory = directory.Parent;
        }

        var folder = Path.Combine(directory?.FullName ?? Path.GetTempPath(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }
}

using TrustDesk.Api;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.Access;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.Tests.Infrastructure;

public enum Provider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real app in-process over a real database: a fresh SQLite file, or a fresh database on the private
/// PostgreSQL server.
/// </summary>
/// <param name="settings">Extra configuration (<c>TrustDesk:Identity:...</c>, <c>TrustDesk:Email:...</c>).</param>
/// <param name="time">A fake clock for the app, where timeouts matter.</param>
/// <param name="captureLogs">Keep every log line the app writes, at every level, in <see cref="Logs"/>.</param>
/// <param name="dataDirectory">A data directory to reuse (a restart over the same data); it is then left in place.</param>
public sealed class TrustDeskFactory(
    Provider provider,
    string? postgresConnectionString,
    IReadOnlyDictionary<string, string?>? settings = null,
    FakeTimeProvider? time = null,
    bool captureLogs = false,
    string? dataDirectory = null) : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "trustdesk-test-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly bool _ownsDataDirectory = dataDirectory is null;

    public Provider Provider { get; } = provider;

    public ConcurrentQueue<string> Logs { get; } = new();

    public string DataDirectory => _dataDirectory;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("TrustDesk:DataDirectory", _dataDirectory);
        if (Provider == Provider.Postgres)
        {
            builder.UseSetting("TrustDesk:Database:Provider", "postgres");
            builder.UseSetting("TrustDesk:Database:MigrateOnStart", "true");
            builder.UseSetting("ConnectionStrings:TrustDesk", postgresConnectionString);
        }

        // Tests sign in many times from one (test) address: the per-address budget is tested with its own setting.
        builder.UseSetting("TrustDesk:Identity:SignInAttemptsPerIp", "100000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (time is not null)
            {
                services.AddSingleton<TimeProvider>(time);
            }
        });
        if (captureLogs)
        {
            builder.ConfigureLogging(logging =>
            {
                logging.SetMinimumLevel(LogLevel.Trace);
                logging.AddFilter((_, _) => true);
                logging.AddProvider(new CapturingLoggerProvider(Logs));
            });
        }
    }

    /// <summary>A user of the role (MFA enrolled when the role needs it), as the CLI creates one.</summary>
    public async Task<TestUser> CreateUserAsync(UserRole role, string? department = null, bool enrolMfa = true)
    {
        await using var scope = Services.CreateAsyncScope();
        var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..20] + "@staff.example";
        var result = await scope.ServiceProvider.GetRequiredService<CreateUser>().HandleAsync(
            new CreateUserRequest(email, role, department, null), null, enrolMfa,
            AuditRecords.BySystem(DateTime.UtcNow, "", null, null, "test"), CancellationToken.None);
        var created = Assert.IsType<CreateUser.Created>(result);
        return new TestUser(created.User.Id, email, created.Password, created.TotpSecret, created.RecoveryCodes);
    }

    /// <summary>A new user of the role as the console's use cases see them: signed in with a session, MFA done.</summary>
    public async Task<System.Security.Claims.ClaimsPrincipal> CreatePrincipalAsync(UserRole role, string? department = null)
    {
        var created = await CreateUserAsync(role, department);
        await using var scope = Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<TrustDeskUser>>().FindByIdAsync(created.Id.ToString())
            ?? throw new InvalidOperationException("The user just created is not there.");
        return UserPrincipal.Create(user, "done", "session", SessionAuthenticationHandler.SchemeName, Guid.NewGuid());
    }

    /// <summary>A client with a fresh console session of a new user of the role, MFA done.</summary>
    public async Task<HttpClient> CreateUserClientAsync(UserRole role, string? department = null)
    {
        var user = await CreateUserAsync(role, department);
        return await CreateSessionClientAsync(user.Id);
    }

    /// <summary>A client with a new session of an existing user, started directly (no sign-in request).</summary>
    public async Task<HttpClient> CreateSessionClientAsync(Guid userId, bool mfaSatisfied = true)
    {
        var secret = await WithDbAsync(async db =>
        {
            var now = Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var (session, secret) = UserSession.Start(userId, mfaSatisfied, null, now);
            db.UserSessions.Add(session);
            await db.SaveChangesAsync();
            return secret;
        });
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{SessionAuthenticationHandler.CookieName}={secret}");
        return client;
    }

    /// <summary>A client authenticated with a new API key of the given scopes (all scopes when none are named).</summary>
    public async Task<HttpClient> CreateApiClientAsync(params string[] scopes)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateApiKeyAsync(scopes));
        return client;
    }

    public async Task<string> CreateApiKeyAsync(params string[] scopes)
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CreateApiKey>()
            .HandleAsync("test", scopes.Length == 0 ? Scopes.All : scopes, CancellationToken.None);
        return ((CreateApiKey.Created)result).Secret;
    }

    public async Task<T> WithDbAsync<T>(Func<TrustDeskDb, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TrustDeskDb>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDataDirectory && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}

public sealed record TestUser(Guid Id, string Email, string Password, string? TotpSecret, IReadOnlyList<string> RecoveryCodes);

/// <summary>Keeps every log line, formatted with its state and exception, so tests can search all output.</summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            lines.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}");
        }
    }
}

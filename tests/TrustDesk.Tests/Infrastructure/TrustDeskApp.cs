using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Access;
using TrustDesk.Data;

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
/// <param name="settings">Extra settings (<c>TrustDesk:Email:...</c>).</param>
/// <param name="dataDirectory">A data directory to reuse (a restart over the same data); it is then left in place.</param>
public sealed class TrustDeskFactory(
    Provider provider, string? postgresConnectionString, IReadOnlyDictionary<string, string?>? settings = null, string? dataDirectory = null)
    : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "trustdesk-test-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly bool _ownsDataDirectory = dataDirectory is null;

    public Provider Provider { get; } = provider;

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

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
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

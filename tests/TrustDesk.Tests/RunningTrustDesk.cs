using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Access;
using TrustDesk.Web;

namespace TrustDesk.Tests;

/// <summary>
/// The real app, in-process, on SQLite in a temporary directory and a free loopback port; with an API key for every
/// scope and a client that sends it.
/// </summary>
public sealed class RunningTrustDesk : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private RunningTrustDesk(WebApplication app, string dataDirectory, HttpClient client)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Client = client;
    }

    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<RunningTrustDesk> StartAsync()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("trustdesk-test-").FullName;
        var app = TrustDeskApp.Build(["--urls", "http://127.0.0.1:0", $"--TrustDesk:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Urls.First(); // the port Kestrel picked, once started

        await using var scope = app.Services.CreateAsyncScope();
        var created = (CreateApiKey.Created)await scope.ServiceProvider.GetRequiredService<CreateApiKey>()
            .HandleAsync("tests", Scopes.All, TestContext.Current.CancellationToken);
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Secret);
        return new RunningTrustDesk(app, dataDirectory, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

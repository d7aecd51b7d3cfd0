[assembly: AssemblyFixture(typeof(TrustDesk.Tests.Infrastructure.PostgresServer))]

namespace TrustDesk.Tests.Infrastructure;

/// <summary>One app over SQLite, shared by the tests of a class.</summary>
public sealed class SqliteApp : IAsyncLifetime
{
    public TrustDeskFactory Factory { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Sqlite, null);
        _ = Factory.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>One app over a fresh database on the private PostgreSQL server, shared by the tests of a class.</summary>
public sealed class PostgresApp(PostgresServer server) : IAsyncLifetime
{
    public TrustDeskFactory Factory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Postgres, await server.CreateDatabaseAsync());
        _ = Factory.Server;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

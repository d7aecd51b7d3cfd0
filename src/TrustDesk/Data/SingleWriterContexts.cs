using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace TrustDesk.Data;

/// <summary>
/// The contexts of one writer that commits batch after batch on a single task (the intake writer). On SQLite they all
/// run on one connection the writer keeps open, instead of a pooled connection opened and closed per batch:
/// <list type="bullet">
/// <item>SQLite drops a connection's page cache whenever another connection has written since it last read. With
/// pooled connections taking turns, every batch read the indexes it inserts into back from the OS; the writer's own
/// connection, being the one that writes, keeps its cache.</item>
/// <item>Statements prepared on it stay prepared (<see cref="ConnectionCommands"/>): the inserts and upserts of every
/// batch are prepared once for the life of the server, not once per batch.</item>
/// <item>No open, close and PRAGMAs per batch.</item>
/// <item>One context for every batch, its change tracker cleared in between (as EF Core's context pooling does): a new
/// context per batch resolved its internal services each time, measured at 6% of the writer's CPU.</item>
/// </list>
/// On PostgreSQL the writer keeps one connection too, and one context: no reset (<c>DISCARD ALL</c>) and no context
/// set-up per batch, and its statements are prepared once on the server (Npgsql's automatic preparation), which
/// measured as a fifth of PostgreSQL's time per batch.
/// </summary>
public sealed class SingleWriterContexts(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger logger) : IAsyncDisposable
{
    private System.Data.Common.DbConnection? _connection;
    private DbContextOptions? _contextOptions;
    private TrustDeskDb? _db;
    private bool _pooled;

    /// <summary>A context for one batch; dispose it when the batch is done. Not thread-safe: one batch at a time.</summary>
    public async Task<Lease> OpenAsync(CancellationToken cancellationToken)
    {
        if (_contextOptions is null && !_pooled)
        {
            await ConnectAsync(cancellationToken);
        }

        if (_pooled)
        {
            var scope = scopes.CreateAsyncScope();
            return new Lease(scope.ServiceProvider.GetRequiredService<TrustDeskDb>(), scope);
        }

        _db ??= _contextOptions is DbContextOptions<SqliteTrustDeskDb> sqlite
            ? new SqliteTrustDeskDb(sqlite)
            : new PostgresTrustDeskDb((DbContextOptions<PostgresTrustDeskDb>)_contextOptions!);
        _db.ChangeTracker.Clear();
        return new Lease(_db, NothingToDispose.Instance);
    }

    /// <summary>After a failed batch: the next one starts on a fresh connection, in case this one is what failed.</summary>
    public void Reset()
    {
        _db?.Dispose();
        _db = null;
        _connection?.Dispose();
        _connection = null;
        _contextOptions = null;
    }

    /// <summary>
    /// On SQLite with <c>synchronous = FULL</c>: what makes a commit durable, off the writer's thread. The writer's
    /// connection commits with NORMAL and hands every commit to it. Null otherwise (PostgreSQL's commit is durable when it
    /// returns; with NORMAL configured nothing is fsynced per commit).
    /// </summary>
    public WalFlusher? Flusher { get; private set; }

    public ValueTask DisposeAsync()
    {
        Reset();
        // After the connection: what is still pending gets its fsync and its answer.
        Flusher?.Dispose();
        Flusher = null;
        return ValueTask.CompletedTask;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        // The configured context tells the provider and the connection string, whatever the host registered.
        await using var scope = scopes.CreateAsyncScope();
        var configured = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        if (configured is PostgresTrustDeskDb)
        {
            await ConnectPostgresAsync(configured.Database.GetConnectionString()!, cancellationToken);
            return;
        }

        if (configured is not SqliteTrustDeskDb)
        {
            _pooled = true;
            return;
        }

        var connection = new SqliteConnection(configured.Database.GetConnectionString());
        await connection.OpenAsync(cancellationToken);
        var pragmas = SqliteConnectionSettings.Pragmas(options.Value);
        if (SqliteConnectionSettings.IsFull(options.Value))
        {
            // As durable as FULL: the WAL flusher fsyncs the log before any request of the batch is answered.
            Flusher ??= new WalFlusher(connection.DataSource, logger);
            pragmas += " PRAGMA synchronous = NORMAL;";
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        ConnectionCommands.KeepFor(connection);
        SqliteStatements.KeepFor(connection);

        // No interceptors: the writer publishes its case changes to consoles itself, after each commit, and the
        // connection's settings are applied above, once.
        _contextOptions = new DbContextOptionsBuilder<SqliteTrustDeskDb>().UseSqlite(connection, sqlite =>
            // A list in a query is one JSON array parameter, not one parameter per element (EF Core 10's default): the
            // writer's look-ups then have one SQL text whatever the batch size, prepared once by SQLite.
            sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)).Options;
        _connection = connection;
    }

    private async Task ConnectPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
        {
            // The batch's look-ups, locks and upserts have one SQL text each, whatever the batch size: prepared on the
            // server once, then only bound and run.
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
            // Outside the pool: the writer holds it for the life of the server, and a pooled connection would be
            // reset and its prepared statements kept per pool slot.
            Pooling = false,
            KeepAlive = 30,
            // Prepared, but planned for each execution's values: a generic plan for "= ANY($1)", made while a table was
            // still small, scanned the whole table ever after (measured: the subject look-up went from a fraction of a
            // millisecond to 3 ms per batch as the table grew).
            Options = "-c plan_cache_mode=force_custom_plan",
        };
        var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // No interceptors: the writer publishes its case changes to consoles itself, after each commit.
        _contextOptions = new DbContextOptionsBuilder<PostgresTrustDeskDb>().UseNpgsql(connection).Options;
        _connection = connection;
    }

    /// <summary>One batch's context and what to dispose when the batch is done.</summary>
    private sealed class NothingToDispose : IAsyncDisposable
    {
        public static readonly NothingToDispose Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public readonly struct Lease(TrustDeskDb db, IAsyncDisposable owner) : IAsyncDisposable
    {
        public TrustDeskDb Db { get; } = db;

        public ValueTask DisposeAsync() => owner.DisposeAsync();
    }
}

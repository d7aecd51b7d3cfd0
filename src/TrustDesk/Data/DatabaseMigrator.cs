using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;

namespace TrustDesk.Data;

/// <summary>
/// Runs before anything else starts. SQLite is migrated at start (it is one file beside one process); PostgreSQL is
/// migrated by <c>trustdesk migrate</c>, as an operator step, or at start when <c>TrustDesk:Database:MigrateOnStart</c> is
/// set (<c>serve --migrate</c>). A node refuses to start on a database that lacks migrations, or that it cannot reach,
/// saying what to do in one line (<see cref="DatabaseNotReadyException"/>). Nodes that migrate at once take turns on an
/// advisory lock: the first migrates, the others find nothing left to do.
/// </summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger) : IHostedService
{
    /// <summary>TrustDesk's migration lock among PostgreSQL's advisory locks (an arbitrary number; other applications use others).</summary>
    public const long MigrationLockKey = 7_431_360_214;

    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(250);

    private bool _ready;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The CLI runs this before the host starts (so that a refusal is one line, not a failed host's stack trace); the
        // host then starts it again.
        if (_ready)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        if (options.Value.IsPostgres && !options.Value.MigrateOnStart)
        {
            var pending = await PendingPostgresMigrationsAsync(db, cancellationToken);
            if (pending.Count > 0)
            {
                throw new DatabaseNotReadyException(DescribePending(pending, db.Database.GetMigrations().Count()));
            }
        }
        else
        {
            var applied = await MigrateAsync(db, logger, cancellationToken);
            if (options.Value.IsPostgres)
            {
                if (applied > 0)
                {
                    logger.LogInformation("Applied {Count} migration(s) to the PostgreSQL database", applied);
                }
                else
                {
                    logger.LogInformation("The PostgreSQL database has every migration already");
                }
            }
        }

        _ready = true;
        logger.LogInformation("Database ready ({Provider})", db.Database.ProviderName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Applies the migrations the database lacks; returns how many. On PostgreSQL under <see cref="MigrationLockKey"/>:
    /// a second node (or a second <c>trustdesk migrate</c>) waits for the first and then finds nothing to apply.
    /// </summary>
    /// <exception cref="DatabaseNotReadyException">PostgreSQL could not be reached.</exception>
    public static Task<int> MigrateAsync(TrustDeskDb db, CancellationToken cancellationToken) => MigrateAsync(db, null, cancellationToken);

    /// <inheritdoc cref="MigrateAsync(TrustDeskDb, CancellationToken)"/>
    /// <param name="logger">Where to say that this node waits for another one.</param>
    public static async Task<int> MigrateAsync(TrustDeskDb db, ILogger? logger, CancellationToken cancellationToken)
    {
        if (db is not PostgresTrustDeskDb)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            await db.Database.MigrateAsync(cancellationToken);
            if (db is SqliteTrustDeskDb)
            {
                // WAL lets readers run beside the one writer; it is a property of the file, set once.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }

            return pending;
        }

        // EF Core takes a lock of its own while it migrates, but only after creating its history table, and two nodes
        // creating it at once can collide (PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent one).
        // A session lock on this connection, held around all of it, leaves nothing to race.
        var connection = db.Database.GetDbConnection();
        await OpenAsync(connection, cancellationToken);
        try
        {
            await LockAsync(connection, logger, cancellationToken);
            try
            {
                // Read under the lock: a node that waited sees what the other applied.
                int pending;
                if (await HasMigrationHistoryAsync(connection, cancellationToken))
                {
                    pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
                }
                else
                {
                    // EF Core's history table, made here (safe under the lock): EF Core would first query it, and log the
                    // query of a table that is not there yet as a failed command, which reads like a failed migration.
                    await using var create = connection.CreateCommand();
                    create.CommandText = db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript();
                    await create.ExecuteNonQueryAsync(cancellationToken);
                    pending = db.Database.GetMigrations().Count();
                }

                if (pending > 0)
                {
                    await db.Database.MigrateAsync(cancellationToken);
                }

                return pending;
            }
            finally
            {
                await UnlockAsync(connection);
            }
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    private static async Task<List<string>> PendingPostgresMigrationsAsync(TrustDeskDb db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await OpenAsync(connection, cancellationToken);
        try
        {
            // Asked on the connection first: EF Core would query a history table that does not exist yet and log the
            // failure as an error with its stack trace, where one line says it all.
            return await HasMigrationHistoryAsync(connection, cancellationToken)
                ? [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)]
                : [.. db.Database.GetMigrations()];
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    // Opened here rather than through EF Core, which logs a failed connection as an error with its stack trace; an
    // operator starting a node needs the one line of the exception below.
    private static async Task OpenAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception error) when (error is DbException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            throw new DatabaseNotReadyException(
                $"Cannot connect to the PostgreSQL database: {OneLine(error)}. Check ConnectionStrings__TrustDesk and that the server is up.", error);
        }
    }

    private static async Task<bool> HasMigrationHistoryAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT to_regclass('\"__EFMigrationsHistory\"') IS NOT NULL";
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    // Polled rather than waited for (pg_advisory_lock): a blocking wait would end at the command timeout while the other
    // node is still migrating, and polling lets the log say why this node is waiting.
    private static async Task LockAsync(DbConnection connection, ILogger? logger, CancellationToken cancellationToken)
    {
        for (var waited = false; ; waited = true)
        {
            await using var command = LockCommand(connection, "SELECT pg_try_advisory_lock(@key)");
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return;
            }

            if (!waited)
            {
                logger?.LogInformation("Another node is migrating the database; waiting for it to finish");
            }

            await Task.Delay(LockPollInterval, cancellationToken);
        }
    }

    private static async Task UnlockAsync(DbConnection connection)
    {
        try
        {
            await using var command = LockCommand(connection, "SELECT pg_advisory_unlock(@key)");
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (DbException)
        {
            // The session is gone, and its lock with it; the error that ended it is the one to report.
        }
    }

    private static DbCommand LockCommand(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var key = command.CreateParameter();
        key.ParameterName = "key";
        key.Value = MigrationLockKey;
        command.Parameters.Add(key);
        return command;
    }

    private static string DescribePending(List<string> pending, int all)
    {
        const string WhatToRun = "run `trustdesk migrate` once (with this version), or start one node with `trustdesk serve --migrate`";
        if (pending.Count == all)
        {
            return $"The PostgreSQL database has no TrustDesk tables yet ({all} migrations to apply): {WhatToRun}.";
        }

        var names = string.Join(", ", pending.Take(3)) + (pending.Count > 3 ? ", ..." : "");
        return $"The PostgreSQL database lacks {pending.Count} of TrustDesk's {all} migrations ({names}): {WhatToRun}.";
    }

    /// <summary>The error and its cause in one line (the driver's "Failed to connect" says where; its cause says why).</summary>
    private static string OneLine(Exception error)
    {
        var text = error.InnerException is { } inner && !error.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{error.Message} ({inner.Message})"
            : error.Message;
        return text.ReplaceLineEndings(" ").TrimEnd('.');
    }
}

/// <summary>The database cannot be served from (unreachable, or not migrated); the message says what to do, in one line.</summary>
public sealed class DatabaseNotReadyException(string message, Exception? inner = null) : Exception(message, inner);

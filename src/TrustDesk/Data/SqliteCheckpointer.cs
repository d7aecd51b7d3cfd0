using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace TrustDesk.Data;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file on a connection of its own, once a second. SQLite's
/// own automatic checkpoint runs inside whichever commit crosses 1,000 log pages — under intake, that is the single
/// writer's group commit, which then copies megabytes and syncs the database file while every request in the batch
/// waits. Connections are opened with automatic checkpoints off (<see cref="SqliteConnectionSettings"/>), so this is
/// the only place they happen. PASSIVE: it never waits for or blocks the writer or readers; whatever it cannot copy
/// yet (pages a reader still needs) it copies next time. Should this service not run (a CLI command), SQLite still
/// checkpoints when the last connection closes.
/// </summary>
public sealed class SqliteCheckpointer(IOptions<DatabaseOptions> options, SqliteDatabaseFile database, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.SqliteCheckpointMilliseconds));
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the last connection to close checkpoints what is left.
        }
    }

    internal async Task<(int LogPages, int Copied)> CheckpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = SqliteConnectionSettings.Pragmas(options.Value) + " PRAGMA wal_checkpoint(PASSIVE);";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);

            // The pragmas answer nothing; the checkpoint answers one row: busy, pages in the log, pages copied.
            while (reader.FieldCount < 3 && await reader.NextResultAsync(cancellationToken))
            {
            }

            if (reader.FieldCount >= 3 && await reader.ReadAsync(cancellationToken))
            {
                var result = (reader.GetInt32(1), reader.GetInt32(2));
                if (result.Item1 > 0)
                {
                    logger.LogDebug("SQLite checkpoint: {Copied} of {LogPages} log pages copied", result.Item2, result.Item1);
                }

                return result;
            }
        }
        catch (SqliteException error)
        {
            // A checkpoint that fails now is retried at the next tick; nothing is lost, the log just grows meanwhile.
            logger.LogWarning(error, "SQLite checkpoint failed; retrying at the next tick");
        }

        return (0, 0);
    }
}

/// <summary>The SQLite database this process uses, for what opens connections outside EF Core.</summary>
public sealed record SqliteDatabaseFile(string ConnectionString);

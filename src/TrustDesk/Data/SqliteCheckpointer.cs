using Microsoft.Data.Sqlite;

namespace TrustDesk.Data;

/// <summary>
/// Copies the SQLite write-ahead log back into the database file on its own connection and thread, so that writers do
/// not. Left to SQLite, the connection whose commit takes the log past 1,000 pages checkpoints it inside that commit:
/// for the intake writer that was every eighth group commit, each copying some 700 pages and waiting for two fsyncs
/// while every report of the batch waited too (docs/benchmarks.md, fifth round).
/// </summary>
/// <remarks>
/// A passive checkpoint never blocks a writer or a reader: it copies what no reader still needs while writers keep
/// appending. Under steady writes it rarely copies everything before the next commit, and only a checkpoint that did
/// lets the log start again from its beginning; so a committing connection still checkpoints by itself once the log
/// reaches <see cref="SafetyNetPages"/>. By then this thread has copied nearly all of it, and what is left to the
/// commit is a pass over the last few commits' pages (measured: commits of the intake writer over 3 ms took 0.7 s of
/// every 5 s instead of 1.0 s).
/// </remarks>
public sealed class SqliteCheckpointer(string connectionString, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>Log size (pages) at which a committing connection checkpoints by itself: 16 MiB with 4 KiB pages.</summary>
    public const int SafetyNetPages = 4_000;

    // Passes are at least this far apart: each costs two fsyncs, and pages written again in between are copied once.
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(20);

    // Without nudges (writes that do not nudge: agents' actions), the log is still checkpointed this often.
    private static readonly TimeSpan IdleInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _nudged = new(0, 1);

    /// <summary>Says the log has grown (called after a commit). Cheap and never blocks.</summary>
    public void Nudge()
    {
        if (_nudged.CurrentCount == 0)
        {
            try
            {
                _nudged.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit nudged at the same moment: one pass serves both.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(stoppingToken);
            await using var passive = connection.CreateCommand();
            passive.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            while (!stoppingToken.IsCancellationRequested)
            {
                await _nudged.WaitAsync(IdleInterval, stoppingToken);
                await RunOnceAsync(passive, stoppingToken);

                await Task.Delay(MinimumInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunOnceAsync(SqliteCommand checkpoint, CancellationToken cancellationToken)
    {
        try
        {
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException error)
        {
            // A full disk, say: the next pass tries again, and writers checkpoint themselves at the safety net.
            logger.LogWarning(error, "WAL checkpoint failed");
        }
    }
}

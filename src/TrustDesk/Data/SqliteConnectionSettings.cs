using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TrustDesk.Data;

/// <summary>
/// SQLite settings that belong to a connection rather than to the file (WAL is set once, by the migrator), applied
/// whenever EF Core opens one. Pooled connections keep them; setting them again is one cheap statement.
/// </summary>
public sealed class SqliteConnectionSettings(DatabaseOptions options) : DbConnectionInterceptor
{
    private readonly string _pragmas = Pragmas(options);

    /// <summary>True when every commit is to be on disk before it is acknowledged (the default).</summary>
    public static bool IsFull(DatabaseOptions options) => Synchronous(options) == "FULL";

    /// <summary>The statement run on every open.</summary>
    public static string Pragmas(DatabaseOptions options)
    {
        // cache_size: pages kept in memory per connection (negative = KiB), allocated only as pages are used. SQLite's
        // 2 MiB default has the writer read index pages back from the OS for every batch once the indexes it inserts
        // into (subjects, reports) outgrow it; 16 MiB keeps their upper levels in memory without letting a pool of
        // reader connections grow large.
        // wal_autocheckpoint: SqliteCheckpointer copies the log back on its own connection; a connection checkpoints inside
        // its own commit only once the log is that large (the checkpointer has fallen behind or stopped).
        return $"PRAGMA synchronous = {Synchronous(options)}; PRAGMA cache_size = -{Math.Max(2, options.SqliteCacheMegabytes) * 1024}; " +
            $"PRAGMA wal_autocheckpoint = {SqliteCheckpointer.SafetyNetPages};";
    }

    private static string Synchronous(DatabaseOptions options) =>
        options.SqliteSynchronous.ToUpperInvariant() switch
        {
            // FULL: a commit is on disk (fsync of the WAL) before it returns, so an acknowledged report survives a
            // power cut. NORMAL (WAL only): it survives the process dying, but a power cut or OS crash can roll back
            // the last commits. Anything weaker would break the promise made by every 201 and is refused.
            "FULL" => "FULL",
            "NORMAL" => "NORMAL",
            _ => throw new InvalidOperationException(
                $"TrustDesk:Database:SqliteSynchronous must be full or normal, not '{options.SqliteSynchronous}'."),
        };

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

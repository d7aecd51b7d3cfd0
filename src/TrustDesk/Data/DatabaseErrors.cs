using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace TrustDesk.Data;

/// <summary>
/// Which database errors are a race or an outage, worth another try inside the server, rather than the request's own
/// fault. Features ask here instead of naming a provider's exception types or error codes.
/// </summary>
public static class DatabaseErrors
{
    /// <summary>
    /// True when trying again can succeed: a write raced another node (a unique key taken a moment before, a row changed
    /// since it was read, a deadlock or serialization failure PostgreSQL broke), a lock was busy, or the connection to
    /// the database failed. A unique key taken by a row that was there all along fails again on the next try, which is
    /// how a retry loop tells the two apart: it gives up after a few.
    /// </summary>
    public static bool IsTransient(Exception error) => error switch
    {
        DbUpdateConcurrencyException => true,
        RetryableConflictException => true,
        PostgresException postgres => IsTransient(postgres.SqlState) || postgres.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
        SqliteException { SqliteErrorCode: 5 or 6 } => true, // SQLITE_BUSY, SQLITE_LOCKED
        TimeoutException => true,
        IOException or System.Net.Sockets.SocketException => true,
        DbUpdateException { InnerException: { } inner } => IsTransient(inner),
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    /// <summary>True when the database could not be reached at all (as opposed to refusing a statement).</summary>
    public static bool IsUnavailable(Exception error) => error switch
    {
        PostgresException postgres => postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "08000" or "08003" or "08006" or "08001" or "08004",
        NpgsqlException => true,
        TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        DbUpdateException { InnerException: { } inner } => IsUnavailable(inner),
        InvalidOperationException { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };

    // unique_violation, serialization_failure, deadlock_detected, lock_not_available, and the class of connection
    // failures, admin shutdown and too many connections.
    private static bool IsTransient(string sqlState) =>
        sqlState is "23505" or "40001" or "40P01" or "55P03" or "57P01" or "57P02" or "57P03" or "53300"
        || sqlState.StartsWith("08", StringComparison.Ordinal);
}

/// <summary>
/// A write had to give way to another writer (a lock another node holds); the work is tried again, never answered to
/// a client as its fault.
/// </summary>
public sealed class RetryableConflictException(string message) : Exception(message);

using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace TrustDesk.Data;

/// <summary>
/// Tells the operator when a node loses PostgreSQL (a restart, a fail-over, a network cut) and when it has it back: one
/// warning when the first connection fails, one line when a statement succeeds again, instead of an error with its
/// stack trace for every connection attempt in between (EF Core's own connection-error log is lowered to debug in
/// <see cref="DataServices"/>). The recovery itself needs nothing here: Npgsql drops its pool's connections once one of
/// them is found dead (measured with Npgsql 10: after <c>pg_ctl stop -m fast</c> or <c>-m immediate</c> and a start, eight
/// idle pooled connections cost one failed statement, not eight; <c>DatabaseOutageTests</c> pins it), so requests
/// after it open fresh connections, failing fast while the server is down and succeeding once it is back.
/// </summary>
/// <remarks>
/// Requests that need the database meanwhile answer 503 with Retry-After (<c>Api/ApiExceptionHandler</c>), the intake
/// writer retries each batch and then fails its requests the same way (nothing is acknowledged that is not committed),
/// and <c>/readyz</c> reports not ready, so a proxy sends traffic to the other nodes.
/// </remarks>
public sealed class DatabaseOutages(TimeProvider time, ILogger<DatabaseOutages> logger) : IDbConnectionInterceptor, IDbCommandInterceptor
{
    private long _lostAtTicks;

    /// <summary>A connection could not be opened, or an open one broke.</summary>
    public void Lost(Exception error)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (Interlocked.CompareExchange(ref _lostAtTicks, now, 0) == 0)
        {
            logger.LogWarning(
                "Lost the database ({Error}); requests that need it answer 503 and /readyz reports not ready until it is back",
                error.InnerException is { } inner ? $"{error.Message} {inner.Message}" : error.Message);
        }
    }

    /// <summary>A statement succeeded: if the database had been lost, it is back.</summary>
    public void Reached()
    {
        if (Volatile.Read(ref _lostAtTicks) == 0)
        {
            return;
        }

        var lostAt = Interlocked.Exchange(ref _lostAtTicks, 0);
        if (lostAt != 0)
        {
            logger.LogInformation("The database is back after {Seconds:F1} s", (time.GetUtcNow().UtcTicks - lostAt) / (double)TimeSpan.TicksPerSecond);
        }
    }

    /// <summary>
    /// The connection itself failed (not a statement): PostgreSQL shutting down or unreachable, a connection-class error,
    /// or the socket giving out. Not a statement that ran too long, nor a pool with no connection free within its time-out
    /// (a node under load): those say nothing about the database being there.
    /// </summary>
    public static bool IsConnectionLost(Exception error) => error switch
    {
        PostgresException postgres => postgres.SqlState is "57P01" or "57P02" or "57P03" || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        // Npgsql's own words for a connection it could not open (refused, unreachable, or timed out connecting).
        NpgsqlException npgsql when npgsql.Message.StartsWith("Failed to connect", StringComparison.Ordinal) => true,
        NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException or EndOfStreamException } => true,
        IOException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    // Back once a statement succeeds (a connection opening proves nothing: the pool hands out connections without asking
    // the server).
    DbDataReader IDbCommandInterceptor.ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Reached();
        return result;
    }

    ValueTask<DbDataReader> IDbCommandInterceptor.ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken)
    {
        Reached();
        return ValueTask.FromResult(result);
    }

    object? IDbCommandInterceptor.ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Reached();
        return result;
    }

    ValueTask<object?> IDbCommandInterceptor.ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken)
    {
        Reached();
        return ValueTask.FromResult(result);
    }

    int IDbCommandInterceptor.NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Reached();
        return result;
    }

    ValueTask<int> IDbCommandInterceptor.NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken)
    {
        Reached();
        return ValueTask.FromResult(result);
    }

    // A connection that could not be opened because the server is gone, or because it refused this node (shutting down,
    // too many connections, these credentials, no such database), is an outage to report; a caller that gave up waiting
    // (a request aborted, a probe's time-out) or a pool with nothing free is not.
    void IDbConnectionInterceptor.ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) =>
        OnFailed(eventData.Exception, opening: true);

    Task IDbConnectionInterceptor.ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken)
    {
        OnFailed(eventData.Exception, opening: true);
        return Task.CompletedTask;
    }

    void IDbCommandInterceptor.CommandFailed(DbCommand command, CommandErrorEventData eventData) =>
        OnFailed(eventData.Exception, opening: false);

    Task IDbCommandInterceptor.CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken)
    {
        OnFailed(eventData.Exception, opening: false);
        return Task.CompletedTask;
    }

    private void OnFailed(Exception error, bool opening)
    {
        if (IsConnectionLost(error) || opening && error is PostgresException)
        {
            Lost(error);
        }
    }
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace TrustDesk.Data;

/// <summary>
/// Work queues in tables (inbound emails to process, replies to send) claimed by several nodes at once. On PostgreSQL
/// the claiming query runs in its own transaction and locks its rows <c>FOR UPDATE SKIP LOCKED</c>, so another node
/// skips them instead of waiting or taking the same rows; on SQLite there is one writer and one node, and the plain
/// query is the claim. Features write the query in LINQ and mark it; the SQL stays here.
/// </summary>
public static class RowClaims
{
    private const string Tag = "trustdesk:for-update-skip-locked";

    /// <summary>Locks the rows this query reads, skipping rows another transaction holds (PostgreSQL; nothing on SQLite).</summary>
    public static IQueryable<T> ForUpdateSkipLocked<T>(this IQueryable<T> query) => query.TagWith(Tag);

    /// <summary>The transaction a claim needs to hold its locks until the claimed rows are updated; null where none is needed.</summary>
    public static async Task<IDbContextTransaction?> BeginClaimAsync(TrustDeskDb db, CancellationToken cancellationToken) =>
        db is PostgresTrustDeskDb ? await db.Database.BeginTransactionAsync(cancellationToken) : null;

    /// <summary>Appends the lock clause to the queries marked with <see cref="ForUpdateSkipLocked"/> (registered for PostgreSQL).</summary>
    internal sealed class Interceptor : DbCommandInterceptor
    {
        public static readonly Interceptor Instance = new();

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Lock(command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Lock(command);
            return ValueTask.FromResult(result);
        }

        // EF Core writes a query's tag as a leading "-- tag" comment line; the lock clause goes after ORDER BY and LIMIT.
        private static void Lock(DbCommand command)
        {
            if (command.CommandText.StartsWith("-- " + Tag, StringComparison.Ordinal))
            {
                command.CommandText = command.CommandText.TrimEnd().TrimEnd(';') + "\nFOR UPDATE SKIP LOCKED";
            }
        }
    }
}

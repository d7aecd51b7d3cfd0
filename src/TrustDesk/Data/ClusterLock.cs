using Microsoft.EntityFrameworkCore;

namespace TrustDesk.Data;

/// <summary>Work that one node of a cluster does at a time (a monitor that records events must not record them twice).</summary>
public static class ClusterLock
{
    /// <summary>
    /// Takes the lock <paramref name="key"/> for the current transaction; false when another node holds it. On PostgreSQL a
    /// transaction-level advisory lock: released by the commit or rollback, never left behind on a pooled connection. SQLite
    /// serves one node, whose writers the database file already serialises.
    /// </summary>
    public static async Task<bool> TryTakeForTransactionAsync(TrustDeskDb db, long key, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A cluster lock is taken inside a transaction.");
        }

        if (db is not PostgresTrustDeskDb)
        {
            return true;
        }

        return await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({key}) AS \"Value\"").SingleAsync(cancellationToken);
    }
}

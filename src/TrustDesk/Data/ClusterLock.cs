using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

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

    /// <summary>
    /// Takes the locks named <paramref name="names"/> for the current transaction, waiting for nodes that hold them, in
    /// one round trip. Names are hashed to advisory-lock keys and taken in ascending order, so two transactions taking
    /// overlapping sets never wait on each other in a circle. Used to serialise work on one thing across nodes (two
    /// reports about one subject joining its open case). Nothing to do on SQLite, whose writers are serialised already.
    /// </summary>
    public static async Task TakeForTransactionAsync(TrustDeskDb db, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        if (db is not PostgresTrustDeskDb)
        {
            return;
        }

        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A cluster lock is taken inside a transaction.");
        }

        var keys = names.Select(KeyOf).Distinct().Order().ToArray();
        if (keys.Length == 0)
        {
            return;
        }

        var parameter = new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = keys };
        // The keys are sorted here and unnest keeps their order; ORDER BY says it to the planner too (a volatile function
        // in the select list is evaluated after the sort).
        await db.Database.ExecuteSqlRawAsync(
            "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT k FROM unnest(@keys) AS k ORDER BY k) AS sorted", [parameter], cancellationToken);
    }

    /// <summary>
    /// The lock named <paramref name="name"/> for the current transaction if no one holds it, without waiting (safe to
    /// take out of order): false when another transaction holds it. True on SQLite.
    /// </summary>
    public static bool TryTakeForTransaction(TrustDeskDb db, string name)
    {
        if (db is not PostgresTrustDeskDb)
        {
            return true;
        }

        var key = KeyOf(name);
        return db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({key}) AS \"Value\"").Single();
    }

    /// <summary>A stable 64-bit key for a lock name (the same in every process and version).</summary>
    public static long KeyOf(string name)
    {
        // FNV-1a over the UTF-16 code units: small, stable, and spread well enough for lock keys.
        var hash = 14695981039346656037UL;
        foreach (var c in name)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return unchecked((long)hash);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace TrustDesk.Data;

/// <summary>
/// Appends entries to the chain. Appends are serialised so the chain stays one line: on PostgreSQL by a
/// transaction-scoped advisory lock taken before the head is read; on SQLite by the database's single writer (the
/// transaction is <c>BEGIN IMMEDIATE</c>, so it holds the write lock before it reads the head). The sequence is the
/// primary key, so even a writer that skipped the lock could not fork the chain: its insert would fail.
/// </summary>
public static class AuditChain
{
    // Compiled: every intake commit reads the head, and looking the query up in EF Core's cache cost more than running it.
    private static readonly CompiledPerModel<Func<TrustDeskDb, CancellationToken, Task<ChainHead?>>> Head = new(() => EF.CompileAsyncQuery((TrustDeskDb db, CancellationToken _) =>
        db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).Select(e => new ChainHead(e.Sequence, e.Hash)).FirstOrDefault()));

    internal sealed record ChainHead(long Sequence, string Hash);

    private const string HeadSql = "SELECT \"Sequence\", \"Hash\" FROM \"AuditEntries\" ORDER BY \"Sequence\" DESC LIMIT 1";

    /// <summary>
    /// PostgreSQL: the lock and the read of the head as statements for the caller's round trip (the intake writer's
    /// group commit sends them with the sequence reads of its new cases).
    /// </summary>
    internal static IEnumerable<Npgsql.NpgsqlBatchCommand> PostgresLockAndHead() =>
        [new($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})"), new(HeadSql)];

    /// <summary>The entries that append <paramref name="records"/> after <paramref name="head"/> (null: an empty chain).</summary>
    internal static List<AuditEntry> Chain(ChainHead? head, IReadOnlyList<AuditRecord> records)
    {
        var sequence = head?.Sequence ?? 0;
        var previous = head?.Hash ?? AuditEntry.GenesisHash;
        var entries = new List<AuditEntry>(records.Count);
        foreach (var record in records)
        {
            var entry = new AuditEntry(++sequence, record, previous);
            entries.Add(entry);
            previous = entry.Hash;
        }

        return entries;
    }

    // On SQLite the head is read by a statement kept prepared on the intake writer's connection (ConnectionCommands),
    // which every intake commit reads: cheaper than even the compiled query, whose executor builds delegates per call.
    private static async Task<ChainHead?> SqliteHeadAsync(TrustDeskDb db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return await Head.For(db)(db, cancellationToken);
        }

        await using var lease = ConnectionCommands.Get(connection, db.Database.CurrentTransaction?.GetDbTransaction(), HeadSql);
        await using var reader = await lease.Command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new ChainHead(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <summary>An arbitrary constant naming TrustDesk's audit lock among PostgreSQL advisory locks.</summary>
    public const long AdvisoryLockKey = 0x7D_A0D17;

    internal static async Task AppendAsync(TrustDeskDb db, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        foreach (var entry in await ChainAsync(db, records, cancellationToken))
        {
            db.AuditEntries.Add(entry);
        }
    }

    /// <summary>
    /// The entries that append these records to the chain, for the caller to insert in the same transaction: after the
    /// head as it stands (read here, under the lock on PostgreSQL).
    /// </summary>
    internal static async Task<List<AuditEntry>> ChainAsync(TrustDeskDb db, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        if (db is PostgresTrustDeskDb)
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        }

        var head = db is SqliteTrustDeskDb ? await SqliteHeadAsync(db, cancellationToken) : await Head.For(db)(db, cancellationToken);
        return Chain(head, records);
    }
}

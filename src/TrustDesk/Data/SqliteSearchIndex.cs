using Microsoft.Data.Sqlite;

namespace TrustDesk.Data;

/// <summary>
/// SQLite's full-text index of case titles and message text, kept in a file of its own (<c>search.db</c> beside
/// <c>trustdesk.db</c>) and brought up to date from the database by <see cref="SqliteSearchIndexer"/>.
/// </summary>
/// <remarks>
/// Why a file of its own: SQLite takes one writer per file. While the FTS5 tables lived in the database, kept by
/// triggers, every insert of a case or message tokenised its text inside the writer's transaction — measured, a fifth
/// of the intake writer's time (about 100 µs per report message, 75 µs per case title), and more for ~20 KB emails.
/// In a file of its own the index is written by another thread on the other core, with its own lock, and in bulk.
/// Nothing is lost by that: the database stays the record, the index is derived from it (delete <c>search.db</c> and
/// it is rebuilt), and a search first catches the index up, so it finds everything committed before it started.
/// New rows are found by watermark: case ids never repeat (AUTOINCREMENT) and message rowids only grow (messages are
/// never deleted, and SQLite commits one writer after another). Renamed cases are queued by a trigger.
/// </remarks>
public sealed class SqliteSearchIndex : IDisposable
{
    /// <summary>
    /// Rows read from the database per catch-up step: bounds the index's transactions and memory (emails run to about
    /// 20 KB of text each, so a step holds about 10 MB at most).
    /// </summary>
    public const int StepSize = 500;

    private readonly string _databaseConnectionString;
    private readonly string _indexConnectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger<SqliteSearchIndex> _logger;

    public SqliteSearchIndex(string databaseConnectionString, ILogger<SqliteSearchIndex> logger)
    {
        _databaseConnectionString = databaseConnectionString;
        var database = new SqliteConnectionStringBuilder(databaseConnectionString);
        _indexConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database.DataSource)) ?? ".", "search.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _logger = logger;
    }

    /// <summary>Indexes everything committed to the database since the last catch-up; returns the rows indexed.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var indexed = 0;
            int step;
            do
            {
                step = await CatchUpStepAsync(cancellationToken);
                indexed += step;
            }
            while (step > 0);

            return indexed;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The ids of the cases whose title or messages match an FTS5 query (words quoted by the caller, so no user text is query syntax).</summary>
    public async Task<List<long>> MatchAsync(string ftsQuery, CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        await using var index = await OpenIndexAsync(cancellationToken);
        await using var command = index.CreateCommand();
        command.CommandText = """
            SELECT rowid FROM CaseTitleSearch WHERE CaseTitleSearch MATCH $query
            UNION SELECT case_id FROM MessageSearch WHERE MessageSearch MATCH $query
            """;
        command.Parameters.AddWithValue("$query", ftsQuery);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    public void Dispose() => _gate.Dispose();

    private async Task<int> CatchUpStepAsync(CancellationToken cancellationToken)
    {
        await using var index = await OpenIndexAsync(cancellationToken);
        await using var database = new SqliteConnection(_databaseConnectionString);
        await database.OpenAsync(cancellationToken);

        var lastCase = await ReadProgressAsync(index, "cases", cancellationToken);
        var lastMessage = await ReadProgressAsync(index, "messages", cancellationToken);
        var lastRename = await ReadProgressAsync(index, "renames", cancellationToken);

        // One read transaction on the database, so the three reads see the same moment; deferred, so it never takes the
        // write lock (Microsoft.Data.Sqlite begins IMMEDIATE by default).
        await using var snapshot = database.BeginTransaction(deferred: true);
        var cases = await ReadRowsAsync(database, """SELECT "Id", "Title" FROM "Cases" WHERE "Id" > $after ORDER BY "Id" LIMIT $limit""", lastCase, cancellationToken);
        var messages = await ReadRowsAsync(database, """SELECT rowid, "Text", "CaseId" FROM "Messages" WHERE rowid > $after ORDER BY rowid LIMIT $limit""", lastMessage, cancellationToken);
        var renames = await ReadRowsAsync(database, """
            SELECT r."Seq", c."Title", r."CaseId" FROM "SearchTitleChanges" AS r JOIN "Cases" AS c ON c."Id" = r."CaseId"
            WHERE r."Seq" > $after ORDER BY r."Seq" LIMIT $limit
            """, lastRename, cancellationToken);
        await snapshot.CommitAsync(cancellationToken);
        if (cases.Count + messages.Count + renames.Count == 0)
        {
            return 0;
        }

        await using (var transaction = (SqliteTransaction)await index.BeginTransactionAsync(cancellationToken))
        {
            await using var title = Command(index, transaction, "INSERT INTO CaseTitleSearch(rowid, title) VALUES ($id, $text)", "$id", "$text");
            foreach (var (id, text, _) in cases)
            {
                await RunAsync(title, cancellationToken, id, text);
            }

            await using var message = Command(index, transaction, "INSERT INTO MessageSearch(rowid, text, case_id) VALUES ($id, $text, $case)", "$id", "$text", "$case");
            foreach (var (rowid, text, caseId) in messages)
            {
                await RunAsync(message, cancellationToken, rowid, text, caseId);
            }

            // A renamed case has its title row replaced. One the case step has not reached yet is left to it: it will
            // read the title as it is then.
            var casesIndexedUpTo = cases.Count > 0 ? cases[^1].Key : lastCase;
            await using var drop = Command(index, transaction, "DELETE FROM CaseTitleSearch WHERE rowid = $id", "$id");
            foreach (var (_, text, caseId) in renames.Where(r => r.CaseId <= casesIndexedUpTo))
            {
                await RunAsync(drop, cancellationToken, caseId);
                await RunAsync(title, cancellationToken, caseId, text);
            }

            await using var progress = Command(index, transaction,
                "INSERT INTO Progress(Name, Last) VALUES ($name, $last) ON CONFLICT(Name) DO UPDATE SET Last = excluded.Last", "$name", "$last");
            foreach (var (name, rows) in new[] { ("cases", cases), ("messages", messages), ("renames", renames) })
            {
                if (rows.Count > 0)
                {
                    await RunAsync(progress, cancellationToken, name, rows[^1].Key);
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        if (renames.Count > 0)
        {
            // Indexed: the queue entries can go. A rare write to the database, after the index has them.
            await using var forget = database.CreateCommand();
            forget.CommandText = """DELETE FROM "SearchTitleChanges" WHERE "Seq" <= $last""";
            forget.Parameters.AddWithValue("$last", renames[^1].Key);
            await forget.ExecuteNonQueryAsync(cancellationToken);
        }

        _logger.LogDebug("Search index: {Cases} case titles, {Messages} messages, {Renames} renamed cases indexed", cases.Count, messages.Count, renames.Count);
        return cases.Count + messages.Count + renames.Count;
    }

    private async Task<SqliteConnection> OpenIndexAsync(CancellationToken cancellationToken)
    {
        var index = new SqliteConnection(_indexConnectionString);
        await index.OpenAsync(cancellationToken);
        await using var schema = index.CreateCommand();
        // Created on first use, so a deleted index file is simply rebuilt. Same tokenizer as before the move: Porter
        // stemming ("refunded" finds "refund"), diacritics ignored.
        schema.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE VIRTUAL TABLE IF NOT EXISTS CaseTitleSearch USING fts5(title, tokenize = 'porter unicode61 remove_diacritics 2');
            CREATE VIRTUAL TABLE IF NOT EXISTS MessageSearch USING fts5(text, case_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
            CREATE TABLE IF NOT EXISTS Progress(Name TEXT PRIMARY KEY, Last INTEGER NOT NULL);
            """;
        await schema.ExecuteNonQueryAsync(cancellationToken);
        return index;
    }

    private static async Task<long> ReadProgressAsync(SqliteConnection index, string name, CancellationToken cancellationToken)
    {
        await using var command = index.CreateCommand();
        command.CommandText = "SELECT Last FROM Progress WHERE Name = $name";
        command.Parameters.AddWithValue("$name", name);
        return await command.ExecuteScalarAsync(cancellationToken) is long last ? last : 0;
    }

    private static async Task<List<(long Key, string? Text, long? CaseId)>> ReadRowsAsync(
        SqliteConnection database, string sql, long after, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", StepSize);
        var rows = new List<(long, string?, long?)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.FieldCount > 2 && !reader.IsDBNull(2) ? reader.GetInt64(2) : null));
        }

        return rows;
    }

    /// <summary>A command with its parameters made once; each run sets their values in order.</summary>
    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = parameter });
        }

        return command;
    }

    private static async Task RunAsync(SqliteCommand command, CancellationToken cancellationToken, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

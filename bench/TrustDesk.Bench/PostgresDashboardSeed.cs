using Npgsql;
using NpgsqlTypes;

namespace TrustDesk.Bench;

/// <summary>
/// The <c>dashboard</c> seed on PostgreSQL: <see cref="DashboardSeed"/>'s rows through binary COPY
/// (<see cref="NpgsqlBinaryImporter"/>), one stream per table on its own connection, in the column types EF Core's
/// PostgreSQL model gives them (bigint ids, uuid, timestamptz, interval, text[] tags, severity and SLA state as integer,
/// status and channel as text). Secondary indexes and foreign keys of the three tables are dropped first and recreated once
/// at the end (one sort per index, one join per key instead of a trigger call per row), then the identity sequence of
/// <c>Cases</c> is moved past the seeded ids and the tables are analysed so the planner sees their real size.
/// </summary>
internal static class PostgresDashboardSeed
{
    public static async Task<long> SeedAsync(string connectionString, DashboardSeed.Kind[] kinds, int count, int days, DateTime now, CancellationToken cancellationToken)
    {
        await using var control = new NpgsqlConnection(connectionString);
        await control.OpenAsync(cancellationToken);

        // What to put back afterwards: each index's and each foreign key's own definition, read from the catalogue.
        const string tables = """('"Cases"'::regclass, '"CaseEvents"'::regclass, '"CaseTargets"'::regclass)""";
        var keys = await ReadPairsAsync(control, $"""
            SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)),
                   format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname)
            FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conrelid IN {tables}
            """, cancellationToken);
        var indexes = await ReadPairsAsync(control, $"""
            SELECT pg_get_indexdef(i.indexrelid), format('DROP INDEX %s', i.indexrelid::regclass)
            FROM pg_index i
            WHERE i.indrelid IN {tables} AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
            """, cancellationToken);
        var drop = keys.Select(k => k.Drop).Concat(indexes.Select(i => i.Drop)).ToList();
        // Indexes before foreign keys: a key's check reads the referenced table's primary key, which stays.
        var recreate = indexes.Select(i => i.Create).Concat(keys.Select(k => k.Create)).ToList();
        var foreignKeys = keys.Count;
        await ExecuteAsync(control, string.Join(";\n", drop), cancellationToken);
        Console.WriteLine($"  dropped {drop.Count - foreignKeys} secondary indexes and {foreignKeys} foreign keys for the load");

        long events;
        var rows = await Rows.OpenAsync(connectionString, cancellationToken);
        try
        {
            events = await DashboardSeed.GenerateAsync(rows, kinds, count, days, now, cancellationToken);
            await rows.CompleteAsync(cancellationToken);
        }
        finally
        {
            await rows.DisposeAsync();
        }

        Console.WriteLine($"  copied; recreating {recreate.Count - foreignKeys} indexes and {foreignKeys} foreign keys, then ANALYZE");
        // Index builds sort in memory as far as this allows (the server's default is 64 MB).
        await ExecuteAsync(control, "SET maintenance_work_mem = '512MB'", cancellationToken);
        foreach (var statement in recreate)
        {
            await ExecuteAsync(control, statement, cancellationToken);
        }

        await ExecuteAsync(control, """
            SELECT setval(pg_get_serial_sequence('"Cases"', 'Id'), (SELECT max("Id") FROM "Cases"));
            ANALYZE "Cases";
            ANALYZE "CaseEvents";
            ANALYZE "CaseTargets";
            """, cancellationToken);
        return events;
    }

    private static async Task<List<(string Create, string Drop)>> ReadPairsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var pairs = new List<(string Create, string Drop)>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            pairs.Add((reader.GetString(0), reader.GetString(1)));
        }

        return pairs;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        if (sql.Length == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Three COPY streams, one per table, each on a connection of its own (a connection carries one COPY at a time).</summary>
    private sealed class Rows : DashboardRows, IAsyncDisposable
    {
        private readonly NpgsqlConnection[] _connections;
        private readonly NpgsqlBinaryImporter _cases;
        private readonly NpgsqlBinaryImporter _events;
        private readonly NpgsqlBinaryImporter _targets;

        private Rows(NpgsqlConnection[] connections, NpgsqlBinaryImporter cases, NpgsqlBinaryImporter events, NpgsqlBinaryImporter targets)
        {
            _connections = connections;
            _cases = cases;
            _events = events;
            _targets = targets;
        }

        public static async Task<Rows> OpenAsync(string connectionString, CancellationToken cancellationToken)
        {
            var connections = new NpgsqlConnection[3];
            for (var i = 0; i < connections.Length; i++)
            {
                connections[i] = new NpgsqlConnection(connectionString);
                await connections[i].OpenAsync(cancellationToken);
            }

            var cases = await connections[0].BeginBinaryImportAsync("""
                COPY "Cases" ("Id", "Title", "Status", "Severity", "Category", "QueueId", "Assignee", "Channel", "Band", "ReportCount",
                    "LiveNow", "Graphic", "Minor", "LegalHold", "CreatedAt", "UpdatedAt", "Version", "Tags", "SlaState", "FirstRepliedAt", "SolvedAt", "Resolution")
                FROM STDIN (FORMAT BINARY)
                """, cancellationToken);
            var events = await connections[1].BeginBinaryImportAsync("""
                COPY "CaseEvents" ("Id", "CaseId", "At", "Kind", "ActorType", "ActorId", "ActorName", "From", "To", "Detail")
                FROM STDIN (FORMAT BINARY)
                """, cancellationToken);
            var targets = await connections[2].BeginBinaryImportAsync("""
                COPY "CaseTargets" ("Id", "CaseId", "Kind", "Calendar", "Target", "StartedAt", "Elapsed", "RunningSince", "DueAt", "MetAt", "BreachedAt")
                FROM STDIN (FORMAT BINARY)
                """, cancellationToken);
            return new Rows(connections, cases, events, targets);
        }

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            await _cases.CompleteAsync(cancellationToken);
            await _events.CompleteAsync(cancellationToken);
            await _targets.CompleteAsync(cancellationToken);
        }

        public override void Case(in SeedCase row)
        {
            _cases.StartRow();
            _cases.Write(row.Id, NpgsqlDbType.Bigint);
            _cases.Write(row.Title, NpgsqlDbType.Varchar);
            _cases.Write(row.Status, NpgsqlDbType.Varchar);
            _cases.Write(row.Severity, NpgsqlDbType.Integer);
            _cases.Write(row.Category, NpgsqlDbType.Varchar);
            _cases.Write(row.QueueId, NpgsqlDbType.Uuid);
            Write(_cases, row.Assignee, NpgsqlDbType.Varchar);
            _cases.Write(row.Channel, NpgsqlDbType.Varchar);
            _cases.Write(row.Severity, NpgsqlDbType.Integer); // Band: the severity's, as a fresh case's
            _cases.Write(1, NpgsqlDbType.Integer); // ReportCount
            _cases.Write(false, NpgsqlDbType.Boolean); // LiveNow
            _cases.Write(false, NpgsqlDbType.Boolean); // Graphic
            _cases.Write(false, NpgsqlDbType.Boolean); // Minor
            _cases.Write(false, NpgsqlDbType.Boolean); // LegalHold
            _cases.Write(row.CreatedAt, NpgsqlDbType.TimestampTz);
            _cases.Write(row.UpdatedAt, NpgsqlDbType.TimestampTz);
            _cases.Write(1, NpgsqlDbType.Integer); // Version
            _cases.Write(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text); // Tags
            _cases.Write(0, NpgsqlDbType.Integer); // SlaState
            Write(_cases, row.FirstRepliedAt, NpgsqlDbType.TimestampTz);
            Write(_cases, row.SolvedAt, NpgsqlDbType.TimestampTz);
            Write(_cases, row.Resolution, NpgsqlDbType.Varchar);
        }

        public override void Target(in SeedTarget row)
        {
            _targets.StartRow();
            _targets.Write(row.Id, NpgsqlDbType.Uuid);
            _targets.Write(row.CaseId, NpgsqlDbType.Bigint);
            _targets.Write("first_reply", NpgsqlDbType.Varchar);
            _targets.Write("24x7", NpgsqlDbType.Varchar);
            _targets.Write(row.Target, NpgsqlDbType.Interval);
            _targets.Write(row.StartedAt, NpgsqlDbType.TimestampTz);
            _targets.Write(TimeSpan.Zero, NpgsqlDbType.Interval); // Elapsed
            Write(_targets, row.RunningSince, NpgsqlDbType.TimestampTz);
            Write(_targets, row.DueAt, NpgsqlDbType.TimestampTz);
            Write(_targets, row.MetAt, NpgsqlDbType.TimestampTz);
            Write(_targets, row.BreachedAt, NpgsqlDbType.TimestampTz);
        }

        public override void Event(Guid id, long caseId, DateTime at, string kind, string actorType, string actorId, string actorName, string? from, string? to, string? detail)
        {
            _events.StartRow();
            _events.Write(id, NpgsqlDbType.Uuid);
            _events.Write(caseId, NpgsqlDbType.Bigint);
            _events.Write(at, NpgsqlDbType.TimestampTz);
            _events.Write(kind, NpgsqlDbType.Varchar);
            _events.Write(actorType, NpgsqlDbType.Varchar);
            _events.Write(actorId, NpgsqlDbType.Varchar);
            _events.Write(actorName, NpgsqlDbType.Varchar);
            Write(_events, from, NpgsqlDbType.Text);
            Write(_events, to, NpgsqlDbType.Text);
            Write(_events, detail, NpgsqlDbType.Text);
        }

        public async ValueTask DisposeAsync()
        {
            // Disposing an importer that was not completed cancels its COPY (nothing half-written stays).
            await _cases.DisposeAsync();
            await _events.DisposeAsync();
            await _targets.DisposeAsync();
            foreach (var connection in _connections)
            {
                await connection.DisposeAsync();
            }
        }

        private static void Write(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type)
        {
            if (value is null)
            {
                importer.WriteNull();
            }
            else
            {
                importer.Write(value, type);
            }
        }

        private static void Write(NpgsqlBinaryImporter importer, DateTime? value, NpgsqlDbType type)
        {
            if (value is { } v)
            {
                importer.Write(v, type);
            }
            else
            {
                importer.WriteNull();
            }
        }
    }
}

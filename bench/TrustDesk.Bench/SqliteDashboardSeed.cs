using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Bench;

/// <summary>
/// The <c>dashboard</c> seed on SQLite: <see cref="DashboardSeed"/>'s rows straight into the tables with prepared INSERTs,
/// one transaction per chunk, secondary indexes and triggers dropped first and built once at the end (one sort per index
/// instead of a random insert per row and index); the primary keys stay.
/// </summary>
internal static class SqliteDashboardSeed
{
    public static async Task<long> SeedAsync(TrustDeskDb db, int count, int days, DateTime now, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        var kinds = await DashboardSeed.KindsAsync(db, cancellationToken);

        var dropped = new List<string>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = """
                SELECT type, name, sql FROM sqlite_master
                WHERE tbl_name IN ('Cases', 'CaseEvents', 'CaseTargets') AND sql IS NOT NULL AND type IN ('index', 'trigger')
                """;
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            var drops = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                dropped.Add(reader.GetString(2));
                drops.Add($"DROP {reader.GetString(0).ToUpperInvariant()} \"{reader.GetString(1)}\";");
            }

            await reader.CloseAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "PRAGMA synchronous = OFF; PRAGMA journal_mode = WAL; " + string.Join(" ", drops);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        var events = await DashboardSeed.GenerateAsync(new Rows(connection), kinds, count, days, now, cancellationToken);

        await using (var build = connection.CreateCommand())
        {
            build.CommandTimeout = 0;
            build.CommandText = string.Join(";\n", dropped) + ";";
            await build.ExecuteNonQueryAsync(cancellationToken);
        }

        return events;
    }

    private sealed class Rows(SqliteConnection connection) : DashboardRows
    {
        private SqliteTransaction? _transaction;
        private SqliteCommand? _insertCase;
        private SqliteCommand? _insertEvent;
        private SqliteCommand? _insertTarget;

        public override Task BeginChunkAsync(CancellationToken cancellationToken)
        {
            _transaction = connection.BeginTransaction();
            _insertCase = Prepare(connection, _transaction, """
                INSERT INTO "Cases" ("Id", "Title", "Status", "Severity", "Category", "QueueId", "Assignee", "Channel", "Band", "ReportCount",
                    "LiveNow", "Graphic", "Minor", "LegalHold", "CreatedAt", "UpdatedAt", "Version", "Tags", "SlaState", "FirstRepliedAt", "SolvedAt", "Resolution")
                VALUES ($id, $title, $status, $severity, $category, $queue, $assignee, $channel, $severity, 1,
                    0, 0, 0, 0, $created, $updated, 1, '[]', $state, $replied, $solved, $resolution)
                """, "$id", "$title", "$status", "$severity", "$category", "$queue", "$assignee", "$channel", "$created", "$updated", "$state", "$replied", "$solved", "$resolution");
            _insertEvent = Prepare(connection, _transaction, """
                INSERT INTO "CaseEvents" ("Id", "CaseId", "At", "Kind", "ActorType", "ActorId", "ActorName", "From", "To", "Detail")
                VALUES ($id, $case, $at, $kind, $actorType, $actorId, $actorName, $from, $to, $detail)
                """, "$id", "$case", "$at", "$kind", "$actorType", "$actorId", "$actorName", "$from", "$to", "$detail");
            _insertTarget = Prepare(connection, _transaction, """
                INSERT INTO "CaseTargets" ("Id", "CaseId", "Kind", "Calendar", "Target", "StartedAt", "Elapsed", "RunningSince", "DueAt", "MetAt", "BreachedAt")
                VALUES ($id, $case, 'first_reply', '24x7', $target, $started, '00:00:00', $running, $due, $met, $breached)
                """, "$id", "$case", "$target", "$started", "$running", "$due", "$met", "$breached");
            return Task.CompletedTask;
        }

        public override async Task EndChunkAsync(CancellationToken cancellationToken)
        {
            await _transaction!.CommitAsync(cancellationToken);
            await _transaction.DisposeAsync();
            _insertCase!.Dispose();
            _insertEvent!.Dispose();
            _insertTarget!.Dispose();
        }

        public override void Case(in SeedCase row)
        {
            // Guids as EF Core's SQLite provider stores them: upper-case text.
            Set(_insertCase!, row.Id, row.Title, row.Status, row.Severity, row.Category, row.QueueId.ToString().ToUpperInvariant(),
                row.Assignee, row.Channel, row.CreatedAt, row.UpdatedAt, 0, row.FirstRepliedAt, row.SolvedAt, row.Resolution);
            _insertCase!.ExecuteNonQuery();
        }

        public override void Target(in SeedTarget row)
        {
            Set(_insertTarget!, row.Id.ToString().ToUpperInvariant(), row.CaseId, row.Target.ToString(), row.StartedAt, row.RunningSince,
                row.DueAt, row.MetAt, row.BreachedAt);
            _insertTarget!.ExecuteNonQuery();
        }

        public override void Event(Guid id, long caseId, DateTime at, string kind, string actorType, string actorId, string actorName, string? from, string? to, string? detail)
        {
            Set(_insertEvent!, id.ToString().ToUpperInvariant(), caseId, at, kind, actorType, actorId, actorName, from, to, detail);
            _insertEvent!.ExecuteNonQuery();
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}

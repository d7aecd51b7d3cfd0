using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace TrustDesk.Data;

/// <summary>
/// Rows of counters: an entity whose primary key names a bucket (an hour, a queue...) and whose other properties are
/// numbers to add to. Adding a row is an upsert, <c>INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n</c> —
/// the same SQL on SQLite and PostgreSQL, built from the EF model (column names, type mappings and converters are EF's) —
/// so keeping a counter never reads it and two writers never lose an increment. Features queue their rows on the
/// context with <see cref="TrustDeskDb.AddToCounters"/>; the save writes them in its transaction, after the rows that
/// caused them.
/// </summary>
public static class CounterRows
{
    private const int PostgresRowsPerStatement = 200;
    private static readonly ConcurrentDictionary<IEntityType, Plan> Plans = new();

    /// <summary>Adds every row to its stored counterpart (or inserts it); call inside the save's transaction.</summary>
    /// <remarks>Rows with the same key must be merged first: PostgreSQL refuses one statement that updates a row twice.</remarks>
    public static async Task AddAsync(DbContext db, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        // The SQLite intake writer holds its transaction on the connection itself (its statements run inside it); anywhere
        // else the context's transaction must be open.
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (transaction is null && SqliteStatements.For(connection) is null)
        {
            throw new InvalidOperationException("Counter rows are added inside a transaction.");
        }

        foreach (var group in rows.GroupBy(r => r.GetType()))
        {
            var type = db.Model.FindEntityType(group.Key) ?? throw new InvalidOperationException($"{group.Key.Name} is not an entity of this model.");
            var plan = Plans.GetOrAdd(type, t => Plan.Build(t, db.GetService<ISqlGenerationHelper>()));
            var items = plan.InKeyOrder(group);
            if (db is SqliteTrustDeskDb)
            {
                await plan.AddOneByOneAsync(connection, transaction, items, cancellationToken);
            }
            else
            {
                foreach (var chunk in items.Chunk(PostgresRowsPerStatement))
                {
                    await plan.AddManyAsync(connection, transaction!, chunk, cancellationToken);
                }
            }
        }
    }

    private sealed class Plan
    {
        private readonly (IProperty Property, RelationalTypeMapping Mapping)[] _columns;
        private readonly string _table;
        private readonly string _columnList;
        private readonly string _conflict;
        private readonly bool _bindsDirectly;
        private readonly string _oneRowSql;
        private readonly int[] _keyColumns;

        private Plan(IEntityType type, ISqlGenerationHelper sql)
        {
            var tableName = type.GetTableName() ?? throw new InvalidOperationException($"{type.DisplayName()} has no table.");
            var table = StoreObjectIdentifier.Table(tableName, type.GetSchema());
            var key = type.FindPrimaryKey()?.Properties ?? throw new InvalidOperationException($"{type.DisplayName()} has no key.");
            _columns = [.. type.GetProperties().Select(p => (p, p.GetRelationalTypeMapping()))];
            _keyColumns = [.. _columns.Select((c, i) => (c.Property, i)).Where(c => key.Contains(c.Property)).Select(c => c.i)];
            _table = sql.DelimitIdentifier(tableName, type.GetSchema());
            string Column(IProperty p) => sql.DelimitIdentifier(p.GetColumnName(table)!);
            _columnList = string.Join(", ", _columns.Select(c => Column(c.Property)));
            var counters = _columns.Select(c => c.Property).Where(p => !key.Contains(p)).ToList();
            if (counters.Any(p => (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType) is var t && t != typeof(int) && t != typeof(long)))
            {
                throw new InvalidOperationException($"{type.DisplayName()}: every property outside the key must be an int or long counter.");
            }

            _conflict = $" ON CONFLICT ({string.Join(", ", key.Select(Column))}) DO UPDATE SET "
                + string.Join(", ", counters.Select(p => $"{Column(p)} = {_table}.{Column(p)} + excluded.{Column(p)}"));
            _oneRowSql = $"INSERT INTO {_table} ({_columnList}) VALUES ({string.Join(", ", _columns.Select((_, i) => "$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))}){_conflict}";
            _bindsDirectly = _columns.All(c => SqliteStatements.CanBind(c.Mapping.Converter?.ProviderClrType ?? c.Property.ClrType));
        }

        public static Plan Build(IEntityType type, ISqlGenerationHelper sql) => new(type, sql);

        /// <summary>
        /// The rows in the order of their keys. Every writer then locks the rows it adds to in the same order, so two
        /// transactions adding to the same buckets (this hour's totals, which every case change adds to) wait for each other
        /// at most once and never in a cycle: PostgreSQL breaks a deadlock only after <c>deadlock_timeout</c>, a second, and
        /// two nodes taking reports at once hit one on most batches (measured: p50 1.1 s with two nodes before this order).
        /// </summary>
        public List<object> InKeyOrder(IEnumerable<object> rows) =>
            [.. rows.Select(r => (Row: r, Key: Array.ConvertAll(_keyColumns, i => (object?)Value(i, r)))).Order(KeyOrder.Instance).Select(r => r.Row)];

        private sealed class KeyOrder : IComparer<(object Row, object?[] Key)>
        {
            public static readonly KeyOrder Instance = new();

            public int Compare((object Row, object?[] Key) x, (object Row, object?[] Key) y)
            {
                for (var i = 0; i < x.Key.Length; i++)
                {
                    var (a, b) = (x.Key[i] is DBNull ? null : x.Key[i], y.Key[i] is DBNull ? null : y.Key[i]);
                    var order = a is null || b is null ? (a is null ? 0 : 1) - (b is null ? 0 : 1)
                        : a.GetType() == b.GetType() && a is IComparable comparable ? comparable.CompareTo(b)
                        : string.CompareOrdinal(a.ToString(), b.ToString());
                    if (order != 0)
                    {
                        return order;
                    }
                }

                return 0;
            }
        }

        private object Value(int column, object row) =>
            PreparedInserts.TablePlan.ProviderValue(_columns[column].Mapping, _columns[column].Property.GetGetter().GetClrValueUsingContainingEntity(row));

        // SQLite: one prepared single-row statement run per row (a statement costs no round trip there), through
        // SQLite's own API on a connection that keeps its statements (the intake writer's).
        public async Task AddOneByOneAsync(DbConnection connection, DbTransaction? transaction, List<object> rows, CancellationToken cancellationToken)
        {
            if (_bindsDirectly && SqliteStatements.For(connection) is { } statements)
            {
                statements.Execute(_oneRowSql, rows.Count, (statement, row) =>
                {
                    for (var i = 0; i < _columns.Length; i++)
                    {
                        SqliteStatements.Bind(statement, i + 1, Value(i, rows[row]));
                    }
                }, insertedRowid: null);
                return;
            }

            await using var lease = ConnectionCommands.Get(connection, transaction, _oneRowSql, command =>
            {
                for (var i = 0; i < _columns.Length; i++)
                {
                    command.Parameters.Add(_columns[i].Mapping.CreateParameter(command, "$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null, _columns[i].Property.IsNullable));
                }
            });
            var command = lease.Command;
            foreach (var row in rows)
            {
                for (var i = 0; i < _columns.Length; i++)
                {
                    command.Parameters[i].Value = Value(i, row);
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (DbParameter parameter in command.Parameters)
            {
                parameter.Value = DBNull.Value;
            }
        }

        // PostgreSQL: many rows per statement, one round trip.
        public async Task AddManyAsync(DbConnection connection, DbTransaction transaction, object[] rows, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var text = new StringBuilder("INSERT INTO ").Append(_table).Append(" (").Append(_columnList).Append(") VALUES ");
            var n = 0;
            for (var r = 0; r < rows.Length; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                for (var i = 0; i < _columns.Length; i++)
                {
                    var name = "@p" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    n++;
                    text.Append(i == 0 ? "" : ", ").Append(name);
                    var parameter = _columns[i].Mapping.CreateParameter(command, name, null, _columns[i].Property.IsNullable);
                    parameter.Value = Value(i, rows[r]);
                    command.Parameters.Add(parameter);
                }

                text.Append(')');
            }

            command.CommandText = text.Append(_conflict).ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

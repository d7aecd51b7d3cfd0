using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace TrustDesk.Data;

/// <summary>
/// Multi-row statements on PostgreSQL built from the EF model (EF Core's column names, type mappings and converters, as
/// <see cref="PreparedInserts"/> does for SQLite): many rows in one statement, and many statements in one round trip.
/// </summary>
public static class PostgresRows
{
    private static readonly ConcurrentDictionary<IEntityType, Table> Tables = new();

    // PostgreSQL's wire protocol counts a statement's parameters in 16 bits.
    internal const int MaxParameters = 65_535;

    /// <summary>
    /// Inserts the rows that are not there yet, judged by the unique key over <paramref name="uniqueProperties"/>
    /// (<c>INSERT ... ON CONFLICT (...) DO NOTHING</c>), in the current transaction; returns the rows it inserted. A row
    /// another transaction is inserting at the same moment waits for it, then counts as there: two nodes creating the
    /// same subject at once both go on with the one row, neither fails. Rows are written in the order of their keys, so
    /// two transactions inserting overlapping sets wait for each other in one direction only.
    /// </summary>
    public static async Task<IReadOnlySet<T>> InsertMissingAsync<T>(
        TrustDeskDb db, IReadOnlyList<T> rows, IReadOnlyList<string> uniqueProperties, CancellationToken cancellationToken)
        where T : class
    {
        if (db is not PostgresTrustDeskDb)
        {
            throw new InvalidOperationException("Multi-row upserts are written for PostgreSQL.");
        }

        var inserted = new HashSet<T>(ReferenceEqualityComparer.Instance);
        if (rows.Count == 0)
        {
            return inserted;
        }

        var table = TableOf(db, typeof(T));
        var key = table.Key ?? throw new InvalidOperationException($"{typeof(T).Name} needs a single-column key to tell which rows were inserted.");
        var unique = uniqueProperties.Select(p => table.Column(p)).ToArray();
        var ordered = rows.OrderBy(r => string.Join("\u0001", unique.Select(c => Convert.ToString(c.Property.GetGetter().GetClrValueUsingContainingEntity(r), System.Globalization.CultureInfo.InvariantCulture))), StringComparer.Ordinal).ToList();
        var byKey = ordered.ToDictionary(r => key.Property.GetGetter().GetClrValueUsingContainingEntity(r)!);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var chunk in ordered.Chunk(Math.Max(1, MaxParameters / table.Columns.Length)))
        {
            await using var command = new NpgsqlCommand(null, connection, transaction);
            command.CommandText = table.InsertSql(chunk.Length, command.Parameters, chunk)
                + $" ON CONFLICT ({string.Join(", ", unique.Select(c => c.Sql))}) DO NOTHING RETURNING {key.Sql}";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted.Add(byKey[reader.GetValue(0)]);
            }
        }

        return inserted;
    }

    /// <summary>
    /// The rows whose <paramref name="property"/> is one of <paramref name="values"/>, locked for the rest of the
    /// transaction (<c>SELECT ... FOR UPDATE</c>): until it ends, nobody else changes them, so an update guarded by the
    /// version read here cannot fail. Rows are locked in the order of their key.
    /// </summary>
    public static IQueryable<T> ForUpdate<T, TValue>(TrustDeskDb db, string property, IReadOnlyList<TValue> values)
        where T : class
    {
        if (db is not PostgresTrustDeskDb)
        {
            throw new InvalidOperationException("Row locks are taken on PostgreSQL.");
        }

        var table = TableOf(db, typeof(T));
        var column = table.Column(property);
        var order = table.Key is { } key ? $" ORDER BY {key.Sql}" : "";
        var parameter = new NpgsqlParameter { ParameterName = "values", Value = values.ToArray() };
        // Names from the model, quoted by EF Core's SQL helper; the values go in as a parameter.
#pragma warning disable EF1002
        return db.Set<T>().FromSqlRaw($"SELECT * FROM {table.Name} WHERE {column.Sql} = ANY(@values){order} FOR UPDATE", parameter);
#pragma warning restore EF1002
    }

    /// <summary>A statement that reads <paramref name="count"/> new values of the sequence behind the table's identity key.</summary>
    internal static NpgsqlBatchCommand NextKeys(DbContext db, IEntityType type, int count)
    {
        var table = TableOf(db, type.ClrType);
        var key = table.Key ?? throw new InvalidOperationException($"{type.DisplayName()} has no single-column key.");
        var store = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        return new NpgsqlBatchCommand("SELECT nextval(pg_get_serial_sequence($1, $2)) FROM generate_series(1, $3)")
        {
            Parameters =
            {
                new NpgsqlParameter { Value = table.Name },
                new NpgsqlParameter { Value = key.Property.GetColumnName(store)! },
                new NpgsqlParameter { Value = count },
            },
        };
    }

    /// <summary>Adds the INSERTs of <paramref name="rows"/> (as many rows per statement as the protocol allows) to the batch.</summary>
    internal static void AddInserts(DbContext db, NpgsqlBatch batch, Type clrType, IReadOnlyList<object> rows)
    {
        var table = TableOf(db, clrType);
        if (table.CanUnnest)
        {
            var command = new NpgsqlBatchCommand(table.UnnestInsertSql);
            table.AddColumnArrays(command.Parameters, rows);
            batch.BatchCommands.Add(command);
            return;
        }

        foreach (var chunk in rows.Chunk(Math.Max(1, MaxParameters / table.Columns.Length)))
        {
            var command = new NpgsqlBatchCommand();
            command.CommandText = table.InsertSql(chunk.Length, command.Parameters, chunk);
            batch.BatchCommands.Add(command);
        }
    }

    /// <summary>
    /// Adds upserts that insert each row or, when its key is taken, add its <paramref name="addProperty"/> to the row
    /// there (a counter: two nodes adding at once both count). Rows go in the order given.
    /// </summary>
    internal static void AddIncrements(DbContext db, NpgsqlBatch batch, Type clrType, IReadOnlyList<object> rows, string addProperty)
    {
        var table = TableOf(db, clrType);
        var add = table.Column(addProperty).Sql;
        var key = string.Join(", ", table.EntityType.FindPrimaryKey()!.Properties.Select(p => table.Column(p.Name).Sql));
        var onConflict = $" ON CONFLICT ({key}) DO UPDATE SET {add} = {table.Name}.{add} + excluded.{add}";
        if (table.CanUnnest)
        {
            var command = new NpgsqlBatchCommand(table.UnnestInsertSql + onConflict);
            table.AddColumnArrays(command.Parameters, rows);
            batch.BatchCommands.Add(command);
            return;
        }

        foreach (var chunk in rows.Chunk(Math.Max(1, MaxParameters / table.Columns.Length)))
        {
            var command = new NpgsqlBatchCommand();
            command.CommandText = table.InsertSql(chunk.Length, command.Parameters, chunk)
                + $" ON CONFLICT ({key}) DO UPDATE SET {add} = {table.Name}.{add} + excluded.{add}";
            batch.BatchCommands.Add(command);
        }
    }

    internal static Table TableOf(DbContext db, Type clrType)
    {
        var type = db.Model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not an entity of this model.");
        return Tables.GetOrAdd(type, t => Table.Build(t, db.GetService<ISqlGenerationHelper>()));
    }

    /// <summary>One table's columns as the model maps them.</summary>
    internal sealed class Table
    {
        private readonly Dictionary<string, Column> _byProperty;

        private Table(IEntityType entityType, string name, Column[] columns, Column? key)
        {
            EntityType = entityType;
            Name = name;
            Columns = columns;
            Key = key;
            _byProperty = columns.ToDictionary(c => c.Property.Name, StringComparer.Ordinal);
            ColumnList = string.Join(", ", columns.Select(c => c.Sql));
        }

        public IEntityType EntityType { get; }
        public string Name { get; }
        public Column[] Columns { get; }

        /// <summary>
        /// True when every column holds a scalar PostgreSQL has an array type for: the rows then go in as one array per
        /// column (<c>INSERT ... SELECT * FROM unnest($1::type[], ...)</c>). One statement text per table whatever the
        /// number of rows, so the server prepares it once, and a parameter per column instead of one per value: typing and
        /// binding a parameter was the largest cost of writing a batch (docs/benchmarks.md, "Intake on PostgreSQL").
        /// </summary>
        public bool CanUnnest => Columns.All(c => c.ArrayType is not null || c.IsTextArray);

        /// <summary>
        /// The INSERT that takes one array per column (<see cref="CanUnnest"/>). A column that is itself an array of text
        /// (a case's tags) goes in as the text of each row's array, turned back into an array per row: unnest would
        /// flatten an array of arrays.
        /// </summary>
        public string UnnestInsertSql => _unnestInsertSql ??=
            $"INSERT INTO {Name} ({ColumnList}) SELECT {string.Join(", ", Columns.Select((c, i) => c.IsTextArray ? $"c{i}::{c.Mapping.StoreType}" : $"c{i}"))} " +
            $"FROM unnest({string.Join(", ", Columns.Select((c, i) => c.IsTextArray ? $"${i + 1}::text[]" : $"${i + 1}::{c.Mapping.StoreType}[]"))}) " +
            $"AS u({string.Join(", ", Columns.Select((_, i) => $"c{i}"))})";

        private string? _unnestInsertSql;

        /// <summary>Adds one parameter per column, an array of the rows' values in their stored form.</summary>
        public void AddColumnArrays(NpgsqlParameterCollection parameters, IReadOnlyList<object> rows)
        {
            foreach (var column in Columns)
            {
                var get = column.Property.GetGetter();
                if (column.IsTextArray)
                {
                    var literals = new string?[rows.Count];
                    for (var i = 0; i < rows.Count; i++)
                    {
                        literals[i] = get.GetClrValueUsingContainingEntity(rows[i]) is IEnumerable<string> items ? ArrayLiteral(items) : null;
                    }

                    parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = literals });
                    continue;
                }

                var values = Array.CreateInstance(column.ArrayElement!, rows.Count);
                for (var i = 0; i < rows.Count; i++)
                {
                    var value = PreparedInserts.TablePlan.ProviderValue(column.Mapping, get.GetClrValueUsingContainingEntity(rows[i]));
                    values.SetValue(value is DBNull ? null : value, i);
                }

                parameters.Add(new NpgsqlParameter { NpgsqlDbType = column.ArrayType!.Value, Value = values });
            }
        }

        // PostgreSQL's text form of an array of text: every element quoted, quotes and backslashes escaped.
        private static string ArrayLiteral(IEnumerable<string> items)
        {
            var text = new StringBuilder("{");
            foreach (var item in items)
            {
                text.Append(text.Length == 1 ? "\"" : ",\"").Append(item.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
            }

            return text.Append('}').ToString();
        }

        /// <summary>The primary key when it is one column.</summary>
        public Column? Key { get; }
        public string ColumnList { get; }

        public Column Column(string property) => _byProperty.TryGetValue(property, out var column)
            ? column
            : throw new ArgumentException($"{EntityType.DisplayName()} has no column for {property}.", nameof(property));

        public static Table Build(IEntityType type, ISqlGenerationHelper sql)
        {
            var store = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var columns = type.GetProperties()
                .Select(p => new Column(p, p.GetRelationalTypeMapping(), sql.DelimitIdentifier(p.GetColumnName(store)!)))
                .ToArray();
            var key = type.FindPrimaryKey()?.Properties is [var single] ? columns.First(c => c.Property == single) : null;
            return new Table(type, sql.DelimitIdentifier(type.GetTableName()!, type.GetSchema()), columns, key);
        }

        /// <summary>
        /// <c>INSERT INTO table (columns) VALUES ($1, ...), (...)</c> for the rows, their values added to
        /// <paramref name="parameters"/> as positional parameters through each column's type mapping and converter.
        /// </summary>
        public string InsertSql(int count, NpgsqlParameterCollection parameters, IEnumerable<object> rows)
        {
            var text = new StringBuilder(64 + (count * Columns.Length * 5));
            text.Append("INSERT INTO ").Append(Name).Append(" (").Append(ColumnList).Append(") VALUES ");
            var first = true;
            foreach (var row in rows)
            {
                text.Append(first ? "(" : ", (");
                first = false;
                for (var i = 0; i < Columns.Length; i++)
                {
                    parameters.Add(Columns[i].Parameter(row));
                    text.Append(i == 0 ? "$" : ", $").Append(parameters.Count);
                }

                text.Append(')');
            }

            return text.ToString();
        }
    }

    /// <summary>A column: its property, EF's type mapping for it and its quoted name.</summary>
    internal sealed record Column(IProperty Property, RelationalTypeMapping Mapping, string Sql)
    {
        private static readonly NpgsqlCommand ParameterFactory = new();

        // The stored form's CLR type, and PostgreSQL's array type for it, for the scalars unnest takes; null otherwise.
        private static readonly Dictionary<Type, NpgsqlTypes.NpgsqlDbType> ArrayTypes = new()
        {
            [typeof(string)] = NpgsqlTypes.NpgsqlDbType.Text,
            [typeof(Guid)] = NpgsqlTypes.NpgsqlDbType.Uuid,
            [typeof(DateTime)] = NpgsqlTypes.NpgsqlDbType.TimestampTz,
            [typeof(int)] = NpgsqlTypes.NpgsqlDbType.Integer,
            [typeof(long)] = NpgsqlTypes.NpgsqlDbType.Bigint,
            [typeof(short)] = NpgsqlTypes.NpgsqlDbType.Smallint,
            [typeof(bool)] = NpgsqlTypes.NpgsqlDbType.Boolean,
            [typeof(double)] = NpgsqlTypes.NpgsqlDbType.Double,
            [typeof(decimal)] = NpgsqlTypes.NpgsqlDbType.Numeric,
            [typeof(TimeSpan)] = NpgsqlTypes.NpgsqlDbType.Interval,
        };

        /// <summary>A column holding an array of text (<c>text[]</c>) whose entity value is a list of strings.</summary>
        public bool IsTextArray { get; } = Mapping.StoreType == "text[]"
            && typeof(IEnumerable<string>).IsAssignableFrom(Mapping.Converter?.ModelClrType ?? Property.ClrType);

        /// <summary>The element type of this column's value array (nullable where the column is), or null when unnest cannot take it.</summary>
        public Type? ArrayElement { get; } = ElementOf(Property, Mapping);

        public NpgsqlTypes.NpgsqlDbType? ArrayType { get; } = ElementOf(Property, Mapping) is { } element
            && ArrayTypes.TryGetValue(Nullable.GetUnderlyingType(element) ?? element, out var type)
            ? NpgsqlTypes.NpgsqlDbType.Array | type
            : null;

        private static Type? ElementOf(IProperty property, RelationalTypeMapping mapping)
        {
            var provider = mapping.Converter?.ProviderClrType ?? property.ClrType;
            var underlying = Nullable.GetUnderlyingType(provider) ?? provider;
            if (underlying.IsEnum)
            {
                underlying = Enum.GetUnderlyingType(underlying);
            }

            if (!ArrayTypes.ContainsKey(underlying))
            {
                return null;
            }

            return underlying.IsValueType && (property.IsNullable || Nullable.GetUnderlyingType(provider) is not null)
                ? typeof(Nullable<>).MakeGenericType(underlying)
                : underlying;
        }

        /// <summary>A positional parameter holding the row's value, converted and typed as EF Core would send it.</summary>
        public NpgsqlParameter Parameter(object row) => ValueParameter(Property.GetGetter().GetClrValueUsingContainingEntity(row));

        /// <summary>A positional parameter holding <paramref name="value"/> (as the entity holds it), converted and typed as EF Core would send it.</summary>
        public NpgsqlParameter ValueParameter(object? value)
        {
            var parameter = (NpgsqlParameter)Mapping.CreateParameter(ParameterFactory, "", value, Property.IsNullable);
            parameter.ParameterName = "";
            return parameter;
        }
    }
}

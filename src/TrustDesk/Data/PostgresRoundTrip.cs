using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace TrustDesk.Data;

/// <summary>
/// Several statements sent to PostgreSQL together and answered together: one round trip where EF Core would make one
/// per query. The intake writer loads a whole batch in two of these (the subjects it needs, then under their locks the
/// open cases, their links, recent signal buckets, identifiers and idempotency records). Statements are built from the
/// EF model (table and column names, type mappings, converters), so callers name entities and properties, never SQL;
/// rows come back as untracked entities, made and filled as EF Core materialises them.
/// </summary>
/// <remarks>
/// Measured on the intake writer (docs/benchmarks.md, "Intake on PostgreSQL"): its look-ups as separate EF Core queries
/// were seven round trips per batch, which on a busy 2-core machine took 10-20 ms of every commit, more than writing it.
/// </remarks>
public sealed class PostgresRoundTrip
{
    private static readonly ConcurrentDictionary<IEntityType, Reader> Readers = new();

    private readonly TrustDeskDb _db;
    private readonly List<(NpgsqlBatchCommand Command, Func<NpgsqlDataReader, CancellationToken, Task> Read)> _statements = [];

    public PostgresRoundTrip(TrustDeskDb db)
    {
        if (db is not PostgresTrustDeskDb)
        {
            throw new InvalidOperationException("Round trips of statements are a PostgreSQL tool.");
        }

        _db = db;
    }

    /// <summary>True when nothing was asked for.</summary>
    public bool IsEmpty => _statements.Count == 0;

    /// <summary>A condition on one column: its value is one of <paramref name="values"/>.</summary>
    public static Condition AnyOf(string property, System.Collections.IEnumerable values) => new(property, "= ANY", values, true);

    /// <summary>A condition on one column: its value equals <paramref name="value"/>.</summary>
    public static Condition EqualTo(string property, object value) => new(property, "=", value, false);

    /// <summary>A condition on one column: its value is at least <paramref name="value"/>.</summary>
    public static Condition AtLeast(string property, object value) => new(property, ">=", value, false);

    /// <summary>A condition on one column: it is not null.</summary>
    public static Condition NotNull(string property) => new(property, "IS NOT NULL", null, false);

    /// <summary>One column's condition; values are given as the entity holds them and converted as EF Core would.</summary>
    public sealed record Condition(string Property, string Operator, object? Value, bool IsList);

    /// <summary>
    /// Rows of <typeparamref name="T"/> matching every condition. With <paramref name="forUpdate"/> they are locked until
    /// the transaction ends (in the order of their key), so what is read stays true until the commit.
    /// </summary>
    public Rows<T> Select<T>(bool forUpdate, params Condition[] where) where T : class
    {
        var table = TableOf(typeof(T));
        var command = new NpgsqlBatchCommand();
        var text = new StringBuilder("SELECT ").Append(table.ColumnList).Append(" FROM ").Append(table.Name);
        AppendWhere(text, command, table, where, " WHERE ");
        if (forUpdate)
        {
            text.Append(" ORDER BY ").Append(table.Key?.Sql ?? "1").Append(" FOR UPDATE");
        }

        command.CommandText = text.ToString();
        return AddRows<T>(command, table);
    }

    /// <summary>
    /// Rows of <typeparamref name="TChild"/> whose parent (<typeparamref name="TParent"/>, by the foreign key property
    /// <paramref name="foreignKey"/>) matches <paramref name="parent"/>, and which match every condition of their own.
    /// </summary>
    public Rows<TChild> SelectUnder<TChild, TParent>(string foreignKey, Condition parent, params Condition[] where)
        where TChild : class
        where TParent : class
    {
        var child = TableOf(typeof(TChild));
        var parentTable = TableOf(typeof(TParent));
        var command = new NpgsqlBatchCommand();
        var text = new StringBuilder("SELECT ").Append(child.ColumnList).Append(" FROM ").Append(child.Name)
            .Append(" WHERE ").Append(child.Column(foreignKey).Sql).Append(" IN (SELECT ").Append(parentTable.Key!.Sql).Append(" FROM ").Append(parentTable.Name);
        AppendWhere(text, command, parentTable, [parent], " WHERE ");
        text.Append(')');
        AppendWhere(text, command, child, where, " AND ");
        command.CommandText = text.ToString();
        return AddRows<TChild>(command, child);
    }

    /// <summary>
    /// Inserts the rows not there yet by the unique key over <paramref name="uniqueProperties"/> (in key order, so two
    /// transactions inserting overlapping sets wait for each other one way only); the answer says which it inserted.
    /// A row another transaction is inserting at the same moment waits for it, then counts as there.
    /// </summary>
    public Rows<T> InsertMissing<T>(IReadOnlyList<T> rows, params string[] uniqueProperties) where T : class
    {
        var table = TableOf(typeof(T));
        var key = table.Key ?? throw new InvalidOperationException($"{typeof(T).Name} needs a single-column key.");
        var unique = uniqueProperties.Select(table.Column).ToArray();
        var ordered = rows.OrderBy(r => string.Join("\u0001", unique.Select(c => Convert.ToString(c.Property.GetGetter().GetClrValueUsingContainingEntity(r), System.Globalization.CultureInfo.InvariantCulture))), StringComparer.Ordinal).ToList();
        var byKey = ordered.ToDictionary(r => key.Property.GetGetter().GetClrValueUsingContainingEntity(r)!);
        var result = new Rows<T>();
        if (ordered.Count == 0)
        {
            return result;
        }

        var command = new NpgsqlBatchCommand();
        var onConflict = $" ON CONFLICT ({string.Join(", ", unique.Select(c => c.Sql))}) DO NOTHING RETURNING {key.Sql}";
        if (table.CanUnnest)
        {
            // One statement text whatever the number of rows: prepared once.
            command.CommandText = table.UnnestInsertSql + onConflict;
            table.AddColumnArrays(command.Parameters, ordered);
        }
        else if (ordered.Count * table.Columns.Length > PostgresRows.MaxParameters)
        {
            throw new ArgumentException($"At most {PostgresRows.MaxParameters / table.Columns.Length} rows in one statement.", nameof(rows));
        }
        else
        {
            command.CommandText = table.InsertSql(ordered.Count, command.Parameters, ordered) + onConflict;
        }

        _statements.Add((command, async (reader, cancellationToken) =>
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(byKey[reader.GetValue(0)]);
            }
        }));
        return result;
    }

    /// <summary>
    /// Takes, for the rest of the transaction, the advisory locks named <paramref name="names"/> (hashed as
    /// <see cref="ClusterLock.KeyOf"/> does), in ascending order of their keys, waiting for whoever holds them.
    /// </summary>
    public void Lock(IEnumerable<string> names)
    {
        var keys = names.Select(ClusterLock.KeyOf).Distinct().Order().ToArray();
        if (keys.Length == 0)
        {
            return;
        }

        _statements.Add((new NpgsqlBatchCommand("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT k FROM unnest($1::bigint[]) AS k ORDER BY k) AS sorted")
        {
            Parameters = { new NpgsqlParameter { Value = keys } },
        }, static (_, _) => Task.CompletedTask));
    }

    /// <summary>
    /// Reserves keys from the sequence behind <typeparamref name="T"/>'s identity key: one for each of
    /// <paramref name="values"/> (of <paramref name="property"/>) that no row has yet, the rows a batch is about to add.
    /// A reserved key that ends up unused leaves a gap in the numbers, as a rolled-back insert does.
    /// </summary>
    public Rows<long> ReserveKeysForMissing<T>(string property, IReadOnlyCollection<string> values) where T : class
    {
        var table = TableOf(typeof(T));
        var key = table.Key ?? throw new InvalidOperationException($"{typeof(T).Name} has no single-column key.");
        var store = StoreObjectIdentifier.Table(table.EntityType.GetTableName()!, table.EntityType.GetSchema());
        var column = table.Column(property);
        var result = new Rows<long>();
        if (values.Count == 0)
        {
            return result;
        }

        var command = new NpgsqlBatchCommand(
            $"SELECT nextval(pg_get_serial_sequence($1, $2)) FROM generate_series(1, cardinality($3::text[]) - (SELECT count(*) FROM {table.Name} WHERE {column.Sql} = ANY($3::text[])))")
        {
            Parameters =
            {
                new NpgsqlParameter { Value = table.Name },
                new NpgsqlParameter { Value = key.Property.GetColumnName(store)! },
                new NpgsqlParameter { Value = values.Distinct().ToArray() },
            },
        };
        _statements.Add((command, async (reader, cancellationToken) =>
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(reader.GetInt64(0));
            }
        }));
        return result;
    }

    /// <summary>Sends every statement in one round trip, in the current transaction, and reads every answer.</summary>
    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        if (_statements.Count == 0)
        {
            return;
        }

        var connection = (NpgsqlConnection)_db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await _db.Database.OpenConnectionAsync(cancellationToken);
        }

        await using var batch = new NpgsqlBatch(connection, (NpgsqlTransaction?)_db.Database.CurrentTransaction?.GetDbTransaction());
        foreach (var (command, _) in _statements)
        {
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; i < _statements.Count; i++)
        {
            if (i > 0 && !await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException("PostgreSQL answered fewer statements than were sent.");
            }

            await _statements[i].Read(reader, cancellationToken);
        }

        _statements.Clear();
    }

    private Rows<T> AddRows<T>(NpgsqlBatchCommand command, PostgresRows.Table table) where T : class
    {
        var rows = new Rows<T>();
        var materialise = Readers.GetOrAdd(table.EntityType, t => Reader.Build(t, table));
        _statements.Add((command, async (reader, cancellationToken) =>
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((T)materialise.Read(reader));
            }
        }));
        return rows;
    }

    private static void AppendWhere(StringBuilder text, NpgsqlBatchCommand command, PostgresRows.Table table, Condition[] where, string first)
    {
        for (var i = 0; i < where.Length; i++)
        {
            var condition = where[i];
            var column = table.Column(condition.Property);
            text.Append(i == 0 ? first : " AND ").Append(column.Sql).Append(' ').Append(condition.Operator);
            if (condition.Operator == "IS NOT NULL")
            {
                continue;
            }

            command.Parameters.Add(condition.IsList
                ? new NpgsqlParameter { Value = ProviderArray(column, (System.Collections.IEnumerable)condition.Value!) }
                : column.ValueParameter(condition.Value));
            text.Append(condition.IsList ? "($" : " $").Append(command.Parameters.Count).Append(condition.IsList ? ")" : "");
        }
    }

    // The values of a list condition as one typed array of their stored form (an enum stored as text is text...).
    private static Array ProviderArray(PostgresRows.Column column, System.Collections.IEnumerable values)
    {
        var converter = column.Mapping.Converter;
        var providerType = converter?.ProviderClrType ?? column.Property.ClrType;
        providerType = Nullable.GetUnderlyingType(providerType) ?? providerType;
        if (providerType.IsEnum)
        {
            providerType = Enum.GetUnderlyingType(providerType);
        }

        var items = values.Cast<object>().Select(v => PreparedInserts.TablePlan.ProviderValue(column.Mapping, v)).ToList();
        var array = Array.CreateInstance(providerType, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            array.SetValue(items[i], i);
        }

        return array;
    }

    private PostgresRows.Table TableOf(Type clrType) => PostgresRows.TableOf(_db, clrType);

    /// <summary>The rows a statement answered; filled when the round trip has run.</summary>
    public sealed class Rows<T> : List<T>;

    /// <summary>Makes entities from rows: each column read as its stored type, converted back as EF Core does, set through its field.</summary>
    private sealed class Reader(Func<object> create, (Action<object, object?> Set, Func<NpgsqlDataReader, int, object> Get, ValueConverter? Converter, Type ClrType)[] columns)
    {
        private static readonly System.Reflection.MethodInfo GetFieldValue = typeof(NpgsqlDataReader).GetMethod(nameof(NpgsqlDataReader.GetFieldValue))!;

        public object Read(NpgsqlDataReader reader)
        {
            var entity = create();
            for (var i = 0; i < columns.Length; i++)
            {
                var (set, get, converter, clrType) = columns[i];
                object? value = null;
                if (!reader.IsDBNull(i))
                {
                    value = get(reader, i);
                    value = converter is not null ? converter.ConvertFromProvider(value)
                        : clrType.IsEnum ? Enum.ToObject(clrType, value)
                        : value;
                }

                set(entity, value);
            }

            return entity;
        }

        public static Reader Build(IEntityType type, PostgresRows.Table table)
        {
            var constructor = type.ClrType.GetConstructor(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, Type.EmptyTypes)
                ?? throw new InvalidOperationException($"{type.DisplayName()} has no parameterless constructor to read rows into.");
            var create = Expression.Lambda<Func<object>>(Expression.Convert(Expression.New(constructor), typeof(object))).Compile();
            var columns = table.Columns.Select(c =>
            {
                var mapping = c.Mapping;
                var providerType = mapping.Converter?.ProviderClrType ?? c.Property.ClrType;
                providerType = Nullable.GetUnderlyingType(providerType) ?? providerType;
                if (providerType.IsEnum)
                {
                    providerType = Enum.GetUnderlyingType(providerType);
                }

                // reader.GetFieldValue<TProvider>(ordinal), boxed: compiled once per column. A collection stored as an
                // array (a case's tags) is read as an array and made the list its field holds.
                var readerParameter = Expression.Parameter(typeof(NpgsqlDataReader));
                var ordinal = Expression.Parameter(typeof(int));
                var element = providerType != typeof(string) && !providerType.IsArray
                    ? providerType.GetInterfaces().Append(providerType).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
                    : null;
                Expression read = element is null
                    ? Expression.Call(readerParameter, GetFieldValue.MakeGenericMethod(providerType), ordinal)
                    : Expression.New(typeof(List<>).MakeGenericType(element).GetConstructor([typeof(IEnumerable<>).MakeGenericType(element)])!,
                        Expression.Call(readerParameter, GetFieldValue.MakeGenericMethod(element.MakeArrayType()), ordinal));
                var get = Expression.Lambda<Func<NpgsqlDataReader, int, object>>(Expression.Convert(read, typeof(object)), readerParameter, ordinal).Compile();
                var clrType = Nullable.GetUnderlyingType(c.Property.ClrType) ?? c.Property.ClrType;
                return (UntrackedWrites.Setter(c.Property), get, mapping.Converter, clrType);
            }).ToArray();
            return new Reader(create, columns);
        }
    }
}

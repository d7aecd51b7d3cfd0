using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using SQLitePCL;

namespace TrustDesk.Data;

/// <summary>
/// Statements prepared with SQLite's own API on a connection its owner holds open (the intake writer's), for the
/// prepared inserts of <see cref="UntrackedWrites"/>. Why not Microsoft.Data.Sqlite's commands: measured on the intake
/// writer, binding their parameters (found by name, then converted by type, on every execution) took 40% of the
/// inserts' time; here a value is bound by position with the call for its type.
/// </summary>
/// <remarks>
/// Values are bound as Microsoft.Data.Sqlite binds them (integers, reals, text, blobs; dates, Guids and decimals as
/// its text forms), which PreparedInsertsTests checks row by row against SaveChanges. The statements are finalized
/// when the connection closes.
/// </remarks>
internal sealed class SqliteStatements
{
    private static readonly ConditionalWeakTable<DbConnection, SqliteStatements> Kept = [];

    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, sqlite3_stmt> _statements = new(StringComparer.Ordinal);

    private SqliteStatements(SqliteConnection connection) => _connection = connection;

    /// <summary>From now on, statements of this connection are kept. Call only for a connection that stays open.</summary>
    public static void KeepFor(SqliteConnection connection)
    {
        var statements = new SqliteStatements(connection);
        Kept.AddOrUpdate(connection, statements);
        connection.StateChange += statements.OnStateChange;
    }

    /// <summary>The kept statements of the connection, or null for a connection that does not keep them.</summary>
    public static SqliteStatements? For(DbConnection connection) =>
        connection.State == ConnectionState.Open && Kept.TryGetValue(connection, out var statements) ? statements : null;

    /// <summary>True for a value <see cref="Bind"/> takes (after the column's converter).</summary>
    public static bool CanBind(Type providerType)
    {
        var type = Nullable.GetUnderlyingType(providerType) ?? providerType;
        return type.IsEnum || type == typeof(string) || type == typeof(long) || type == typeof(int) || type == typeof(short)
            || type == typeof(byte) || type == typeof(bool) || type == typeof(double) || type == typeof(float) || type == typeof(byte[])
            || type == typeof(DateTime) || type == typeof(Guid) || type == typeof(decimal);
    }

    /// <summary>
    /// Runs the statement for <paramref name="sql"/> once per row; <paramref name="bindRow"/> binds a row. After each
    /// row, <paramref name="insertedRowid"/> (when given) gets the rowid the row was inserted with.
    /// </summary>
    public void Execute(string sql, int rows, Action<sqlite3_stmt, int> bindRow, Action<int, long>? insertedRowid)
    {
        var statement = Get(sql);
        try
        {
            for (var row = 0; row < rows; row++)
            {
                bindRow(statement, row);
                var result = raw.sqlite3_step(statement);
                if (result != raw.SQLITE_DONE)
                {
                    // A constraint violation, say: the same SqliteException Microsoft.Data.Sqlite would throw.
                    SqliteException.ThrowExceptionForRC(result, _connection.Handle);
                    throw new InvalidOperationException($"SQLite answered {result} to an insert.");
                }

                insertedRowid?.Invoke(row, raw.sqlite3_last_insert_rowid(_connection.Handle));
                raw.sqlite3_reset(statement);
            }
        }
        finally
        {
            // A kept statement outlives the batch: it should not keep the last row's values or a read lock.
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
        }
    }

    /// <summary>
    /// Reads the entities of <typeparamref name="T"/> whose properties are each in their list of values (every list must
    /// match), on a connection that keeps its statements: the look-up a batch makes by lists of keys, without SQL text
    /// outside Data. Null on any other connection or for a type this cannot read: the caller runs its EF Core query.
    /// </summary>
    public static List<T>? QueryWhereEachIn<T>(DbContext db, params (string Property, System.Collections.IEnumerable Values)[] lists)
        where T : class
    {
        if (db.Model.FindEntityType(typeof(T)) is not { } type)
        {
            return null;
        }

        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var where = "WHERE " + string.Join(" AND ", lists.Select((list, i) =>
            $"\"{type.FindProperty(list.Property)!.GetColumnName(table)}\" IN (SELECT value FROM json_each(?{i + 1}))"));
        return QueryWhereIn<T>(db, where, lists);
    }

    /// <summary>
    /// Reads entities of <typeparamref name="T"/> on a connection that keeps its statements, where the parameters ?1, ?2...
    /// are lists of values of the named properties, each bound as one JSON array (as EF Core sends a list) for
    /// <c>IN (SELECT value FROM json_each(?n))</c>. Null on any other connection, or for a type <see cref="Query{T}"/>
    /// cannot read: the caller runs its EF Core query.
    /// </summary>
    public static List<T>? QueryWhereIn<T>(DbContext db, string where, params (string Property, System.Collections.IEnumerable Values)[] lists)
        where T : class
    {
        if (For(db.Database.GetDbConnection()) is not { } statements || db.Model.FindEntityType(typeof(T)) is not { } type)
        {
            return null;
        }

        return statements.Query<T>(type, where, statement =>
        {
            for (var i = 0; i < lists.Length; i++)
            {
                Bind(statement, i + 1, JsonArray(type.FindProperty(lists[i].Property)!, lists[i].Values.Cast<object>()));
            }
        });
    }

    /// <summary>
    /// Reads entities of <paramref name="type"/> with <c>SELECT {columns} FROM {table} {where}</c>: each row becomes an
    /// object made by its parameterless constructor, every property set from its column through the column's converter,
    /// as EF Core materialises it untracked (PreparedInsertsTests compares them). Null when the type cannot be read this
    /// way (shadow properties, no parameterless constructor): the caller uses its EF Core query.
    /// </summary>
    public List<T>? Query<T>(IEntityType type, string where, Action<sqlite3_stmt> bind)
        where T : class
    {
        if (Materializer.For(type) is not { } materializer)
        {
            return null;
        }

        var statement = Get(materializer.Select + " " + where);
        var rows = new List<T>();
        try
        {
            bind(statement);
            int result;
            while ((result = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                rows.Add((T)materializer.Read(statement));
            }

            if (result != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(result, _connection.Handle);
            }
        }
        finally
        {
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
        }

        return rows;
    }

    /// <summary>A JSON array of values as their columns store them, for <c>IN (SELECT value FROM json_each(?n))</c>.</summary>
    public static string JsonArray<TValue>(IProperty property, IEnumerable<TValue> values)
    {
        var mapping = property.GetRelationalTypeMapping();
        return System.Text.Json.JsonSerializer.Serialize(values.Select(v => PreparedInserts.TablePlan.ProviderValue(mapping, v) switch
        {
            DBNull => null,
            Guid guid => guid.ToString().ToUpperInvariant(),
            var value => value,
        }));
    }

    /// <summary>Runs a statement once (an UPDATE, say) and returns how many rows it changed.</summary>
    public int ExecuteOnce(string sql, Action<sqlite3_stmt> bind)
    {
        Execute(sql, 1, (statement, _) => bind(statement), insertedRowid: null);
        return raw.sqlite3_changes(_connection.Handle);
    }

    /// <summary>Binds one value, as it comes out of the column's converter (see <see cref="PreparedInserts.TablePlan.ProviderValue"/>).</summary>
    public static void Bind(sqlite3_stmt statement, int index, object value)
    {
        var result = value switch
        {
            DBNull => raw.sqlite3_bind_null(statement, index),
            string text => raw.sqlite3_bind_text16(statement, index, text),
            long number => raw.sqlite3_bind_int64(statement, index, number),
            int number => raw.sqlite3_bind_int64(statement, index, number),
            short number => raw.sqlite3_bind_int64(statement, index, number),
            byte number => raw.sqlite3_bind_int64(statement, index, number),
            bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
            double real => raw.sqlite3_bind_double(statement, index, real),
            float real => raw.sqlite3_bind_double(statement, index, real),
            byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
            DateTime time => BindDateTime(statement, index, time),
            Guid guid => raw.sqlite3_bind_text16(statement, index, guid.ToString().ToUpperInvariant()),
            decimal number => raw.sqlite3_bind_text16(statement, index, number.ToString("0.0###########################", CultureInfo.InvariantCulture)),
            _ => throw new NotSupportedException($"No binding for a {value.GetType().Name}."),
        };
        if (result != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"SQLite refused parameter {index} ({result}).");
        }
    }

    // Microsoft.Data.Sqlite's text form of a DateTime, yyyy-MM-dd HH:mm:ss.FFFFFFF (the fraction without trailing zeros,
    // and without its point when zero), written by hand: DateTime.ToString with that format was a tenth of the inserts.
    private static int BindDateTime(sqlite3_stmt statement, int index, DateTime time)
    {
        Span<char> text = stackalloc char[27];
        Digits(text[..4], time.Year);
        text[4] = '-';
        Digits(text.Slice(5, 2), time.Month);
        text[7] = '-';
        Digits(text.Slice(8, 2), time.Day);
        text[10] = ' ';
        Digits(text.Slice(11, 2), time.Hour);
        text[13] = ':';
        Digits(text.Slice(14, 2), time.Minute);
        text[16] = ':';
        Digits(text.Slice(17, 2), time.Second);
        var length = 19;
        var fraction = (int)(time.Ticks % TimeSpan.TicksPerSecond);
        if (fraction != 0)
        {
            text[19] = '.';
            Digits(text.Slice(20, 7), fraction);
            length = 27;
            while (text[length - 1] == '0')
            {
                length--;
            }
        }

        return raw.sqlite3_bind_text16(statement, index, text[..length]);
    }

    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>How rows of one entity type are read: its columns in property order, and how to set each.</summary>
    private sealed class Materializer
    {
        private static readonly ConcurrentDictionary<IEntityType, Materializer?> Materializers = new();

        private readonly Func<object> _create;
        private readonly (Action<object, object?> Set, Type ProviderType, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter, Type ClrType)[] _columns;

        private Materializer(string select, Func<object> create, (Action<object, object?>, Type, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter?, Type)[] columns)
        {
            Select = select;
            _create = create;
            _columns = columns;
        }

        public string Select { get; }

        public static Materializer? For(IEntityType type) => Materializers.GetOrAdd(type, Build);

        public object Read(sqlite3_stmt statement)
        {
            var entity = _create();
            for (var i = 0; i < _columns.Length; i++)
            {
                var (set, providerType, converter, clrType) = _columns[i];
                var value = ReadColumn(statement, i, providerType);
                if (value is not null)
                {
                    value = converter is not null ? converter.ConvertFromProvider(value)
                        : clrType.IsEnum ? Enum.ToObject(clrType, value)
                        : value;
                }

                set(entity, value);
            }

            return entity;
        }

        private static object? ReadColumn(sqlite3_stmt statement, int column, Type type)
        {
            if (raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL)
            {
                return null;
            }

            if (type == typeof(string))
            {
                return raw.sqlite3_column_text(statement, column).utf8_to_string();
            }

            if (type == typeof(DateTime))
            {
                return DateTime.Parse(raw.sqlite3_column_text(statement, column).utf8_to_string(), CultureInfo.InvariantCulture);
            }

            if (type == typeof(Guid))
            {
                return Guid.Parse(raw.sqlite3_column_text(statement, column).utf8_to_string());
            }

            if (type == typeof(decimal))
            {
                return decimal.Parse(raw.sqlite3_column_text(statement, column).utf8_to_string(), NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            if (type == typeof(double) || type == typeof(float))
            {
                return Convert.ChangeType(raw.sqlite3_column_double(statement, column), type, CultureInfo.InvariantCulture);
            }

            if (type == typeof(byte[]))
            {
                return raw.sqlite3_column_blob(statement, column).ToArray();
            }

            var integer = raw.sqlite3_column_int64(statement, column);
            return type.IsEnum ? integer : type == typeof(bool) ? integer != 0 : Convert.ChangeType(integer, type, CultureInfo.InvariantCulture);
        }

        private static Materializer? Build(IEntityType type)
        {
            var constructor = type.ClrType.GetConstructor(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, Type.EmptyTypes);
            var properties = type.GetProperties().ToArray();
            if (constructor is null || type.GetTableName() is not { } tableName || properties.Any(p => p.IsShadowProperty()
                || !CanBind(p.GetRelationalTypeMapping().Converter?.ProviderClrType ?? p.ClrType)))
            {
                return null;
            }

            var table = StoreObjectIdentifier.Table(tableName, type.GetSchema());
            var create = Expression.Lambda<Func<object>>(Expression.Convert(Expression.New(constructor), typeof(object))).Compile();
            var columns = properties.Select(p =>
            {
                var mapping = p.GetRelationalTypeMapping();
                var providerType = Nullable.GetUnderlyingType(mapping.Converter?.ProviderClrType ?? p.ClrType) ?? mapping.Converter?.ProviderClrType ?? p.ClrType;
                return (UntrackedWrites.Setter(p), providerType, mapping.Converter, Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType);
            }).ToArray();
            var select = $"SELECT {string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""))} FROM \"{tableName}\"";
            return new Materializer(select, create, columns);
        }
    }

    private sqlite3_stmt Get(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            var result = raw.sqlite3_prepare_v3(_connection.Handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out statement, out _);
            SqliteException.ThrowExceptionForRC(result, _connection.Handle);
            _statements[sql] = statement;
        }

        return statement;
    }

    private void OnStateChange(object? sender, StateChangeEventArgs change)
    {
        if (change.CurrentState == ConnectionState.Closed)
        {
            foreach (var statement in _statements.Values)
            {
                statement.Dispose();
            }

            _statements.Clear();
            Kept.Remove(_connection);
        }
    }
}

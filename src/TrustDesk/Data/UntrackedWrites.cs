using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace TrustDesk.Data;

/// <summary>
/// New and changed entities a context does not track, written by prepared statements built from the EF model: the
/// intake writer's cases, their events, messages and subject links, reports and rule hits on SQLite.
/// </summary>
/// <remarks>
/// Why: measured on the intake writer, EF Core's change tracking of these objects (attaching each new object and its
/// graph, detecting changes twice per save, the update pipeline for the cases that changed) took about a third of the
/// writer's CPU, more than SQLite itself. Here an entity is an object and a row: <see cref="Insert"/> takes a new one
/// with every object reachable through its collection navigations (a case's events, messages and subject links);
/// <see cref="Loaded"/> takes one read from the database (with <c>AsNoTracking</c>) and remembers its values, and
/// <see cref="SaveAsync"/> updates it only when they changed, guarded by its concurrency token like SaveChanges.
/// Column names, type mappings and converters are EF Core's own (<see cref="PreparedInserts"/>), foreign keys are filled
/// from the principal as EF Core's fix-up would, and a key the database generates is read back and set on the object.
/// What a context tracks is saved by SaveChanges before this runs, so these rows may point at those.
/// </remarks>
public sealed class UntrackedWrites(DbContext db)
{
    private static readonly ConcurrentDictionary<IEntityType, UpdatePlan> UpdatePlans = new();

    private readonly List<object> _inserted = [];
    private readonly List<(object Entity, IEntityType Type, object?[] Values)> _loaded = [];

    // Rows added to what is there (PostgreSQL): inserted, or on a key already present, this property added to it.
    private readonly List<(object Entity, string AddProperty)> _increments = [];

    // Keys taken from a table's sequence ahead of the save (PostgreSQL), by entity type.
    private readonly Dictionary<Type, Queue<long>> _reserved = [];

    /// <summary>
    /// Keys reserved from the sequence of <paramref name="clrType"/>'s table for the rows this save will insert
    /// (PostgreSQL: read in the batch's look-up round trip, so the save needs no round trip of its own for them).
    /// </summary>
    public void ReserveKeys(Type clrType, IEnumerable<long> keys)
    {
        if (!_reserved.TryGetValue(clrType, out var queue))
        {
            _reserved[clrType] = queue = new Queue<long>();
        }

        foreach (var key in keys)
        {
            queue.Enqueue(key);
        }
    }

    // Objects that are rows already: the loaded entities' children (a case's subject links loaded with it).
    private readonly HashSet<object> _stored = new(ReferenceEqualityComparer.Instance);

    /// <summary>The rows the last <see cref="SaveAsync"/> inserted, and the loaded entities it updated.</summary>
    public sealed record Saved(IReadOnlyList<object> Inserted, IReadOnlyList<object> Updated);

    /// <summary>A new entity, inserted with its new children on the next save.</summary>
    public void Insert(object entity) => _inserted.Add(entity);

    /// <summary>
    /// An entity read from the database, with whichever children were loaded into its collections (they are rows
    /// already). Its values are remembered now; the next save updates its row if they changed.
    /// </summary>
    public void Loaded(object entity)
    {
        var type = TypeOf(entity);
        var update = UpdatePlans.GetOrAdd(type, t => UpdatePlan.Build(t, db.GetService<ISqlGenerationHelper>()));
        _loaded.Add((entity, type, update.Values(entity)));
        foreach (var (child, _, _) in Children(entity, type))
        {
            _stored.Add(child);
        }
    }

    /// <summary>Puts a child read from the database into its principal's collection, as EF Core's fix-up would.</summary>
    public void AddLoadedChild(object principal, string collection, object child)
    {
        var navigation = TypeOf(principal).FindNavigation(collection) ?? throw new ArgumentException($"No collection {collection}.", nameof(collection));
        navigation.GetCollectionAccessor()!.Add(principal, child, forMaterialization: true);
    }

    /// <summary>
    /// A child read from the database after its principal was taken as <see cref="Loaded"/>: put into its collection as a
    /// row (not inserted again) and remembered, so that the next save updates it if it changed.
    /// </summary>
    public void LoadedChild(object principal, string collection, object child)
    {
        AddLoadedChild(principal, collection, child);
        _stored.Add(child);
        Loaded(child);
    }

    /// <summary>
    /// A row to insert, or, when a row with its key is there already, to add its <paramref name="addProperty"/> to
    /// (a counter). PostgreSQL only; rows are written in the order given, so give them in key order.
    /// </summary>
    public void InsertOrAdd(object entity, string addProperty) => _increments.Add((entity, addProperty));

    /// <summary>
    /// Writes what was inserted and changed since the last save, in the context's current transaction. On PostgreSQL
    /// <paramref name="audit"/> names the audit records of the inserted rows (their keys known by then), chained and
    /// written in the same round trip.
    /// </summary>
    /// <param name="cancellationToken">Cancels the save.</param>
    /// <param name="audit">PostgreSQL: the audit records of the inserted rows.</param>
    /// <param name="commit">PostgreSQL: commit the transaction in the save's last round trip.</param>
    public async Task<Saved> SaveAsync(CancellationToken cancellationToken, Func<IReadOnlyList<object>, IReadOnlyList<AuditRecord>>? audit = null, bool commit = false)
    {
        if (db.Database.GetDbConnection() is Npgsql.NpgsqlConnection)
        {
            return await SavePostgresAsync(audit, commit, cancellationToken);
        }

        if (audit is not null || _increments.Count > 0 || commit)
        {
            throw new InvalidOperationException("Audit records and increments are written with the rows on PostgreSQL only.");
        }

        var plan = PreparedInserts.PlanFor(db);
        var rows = new Dictionary<IEntityType, List<object>>();
        var parents = new Dictionary<object, (object Principal, IForeignKey ForeignKey)>(ReferenceEqualityComparer.Instance);
        foreach (var entity in _inserted)
        {
            var type = TypeOf(entity);
            Add(rows, type, entity);
            CollectNew(entity, type, rows, parents);
        }

        foreach (var (entity, type, _) in _loaded)
        {
            CollectNew(entity, type, rows, parents);
        }

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Untracked writes are saved inside a transaction.");
        var inserted = new List<object>();
        foreach (var table in plan.InsertOrder)
        {
            if (!rows.Remove(table.EntityType, out var entities))
            {
                continue;
            }

            // Principals are inserted before their dependents (the plan's order), so their keys are known by now.
            foreach (var entity in entities)
            {
                FillForeignKeys(entity, table.EntityType, parents);
            }

            await table.InsertUntrackedAsync(connection, transaction, entities, cancellationToken);
            inserted.AddRange(entities);
        }

        if (rows.Count > 0)
        {
            throw new InvalidOperationException($"No prepared insert for {string.Join(", ", rows.Keys.Select(t => t.DisplayName()))}.");
        }

        var updated = new List<object>();
        foreach (var (entity, type, values) in _loaded)
        {
            if (await UpdatePlans[type].UpdateIfChangedAsync(connection, transaction, entity, values, cancellationToken))
            {
                updated.Add(entity);
            }
        }

        _inserted.Clear();
        _loaded.Clear();
        _stored.Clear();
        return new Saved(inserted, updated);
    }

    /// <summary>
    /// PostgreSQL: every row in one or two round trips, whatever the batch size. Keys the database generates (a case's
    /// number) come from keys reserved with the batch's look-ups (a round trip of their own only for more rows than were
    /// reserved). The first round trip inserts every table's rows as multi-row statements, principals first, adds the
    /// increments and runs the guarded updates (each checked to have changed its one row), then takes the audit chain's
    /// lock and reads its head: taken last, the lock is held for as short a time as can be. The second writes the audit
    /// entries, and commits. Without audit entries, and with nothing to check, the first one commits.
    /// EF Core's SaveChanges sends a statement per row and reads generated keys back one table at a time.
    /// </summary>
    private async Task<Saved> SavePostgresAsync(Func<IReadOnlyList<object>, IReadOnlyList<AuditRecord>>? audit, bool commit, CancellationToken cancellationToken)
    {
        var plan = PreparedInserts.PlanFor(db);
        var rows = new Dictionary<IEntityType, List<object>>();
        var parents = new Dictionary<object, (object Principal, IForeignKey ForeignKey)>(ReferenceEqualityComparer.Instance);
        foreach (var entity in _inserted)
        {
            var type = TypeOf(entity);
            Add(rows, type, entity);
            CollectNew(entity, type, rows, parents);
        }

        foreach (var (entity, type, _) in _loaded)
        {
            CollectNew(entity, type, rows, parents);
        }

        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (Npgsql.NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Untracked writes are saved inside a transaction.");
        var ordered = plan.InsertOrder.Where(t => rows.ContainsKey(t.EntityType)).Select(t => (Table: t, Rows: rows[t.EntityType])).ToList();
        if (ordered.Count != rows.Count)
        {
            throw new InvalidOperationException($"No prepared insert for {string.Join(", ", rows.Keys.Except(ordered.Select(o => o.Table.EntityType)).Select(t => t.DisplayName()))}.");
        }

        await AssignKeysAsync(ordered.Where(o => o.Table.GeneratedKey is not null).ToList(), connection, transaction, cancellationToken);

        // Principals have their keys now: fill every foreign key, in the order the rows go in.
        var inserted = new List<object>();
        foreach (var (table, entities) in ordered)
        {
            foreach (var entity in entities)
            {
                FillForeignKeys(entity, table.EntityType, parents);
            }

            inserted.AddRange(entities);
        }

        var records = audit?.Invoke(inserted) ?? [];
        await using var batch = new Npgsql.NpgsqlBatch(connection, transaction);
        foreach (var (table, entities) in ordered)
        {
            PostgresRows.AddInserts(db, batch, table.EntityType.ClrType, entities);
        }

        foreach (var group in _increments.GroupBy(i => (i.Entity.GetType(), i.AddProperty)))
        {
            PostgresRows.AddIncrements(db, batch, group.Key.Item1, group.Select(i => i.Entity).ToList(), group.Key.AddProperty);
        }

        var updated = new List<object>();
        var updates = new List<(Npgsql.NpgsqlBatchCommand Command, UpdatePlan Plan)>();
        foreach (var (entity, type, values) in _loaded)
        {
            var updatePlan = UpdatePlans[type];
            if (updatePlan.PostgresUpdate(entity, values) is { } command)
            {
                batch.BatchCommands.Add(command);
                updates.Add((command, updatePlan));
                updated.Add(entity);
            }
        }

        if (records.Count > 0)
        {
            foreach (var command in AuditChain.PostgresLockAndHead())
            {
                batch.BatchCommands.Add(command);
            }
        }

        var committed = false;
        if (commit && records.Count == 0 && updates.Count == 0)
        {
            batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand("COMMIT"));
            committed = true;
        }

        AuditChain.ChainHead? head = null;
        if (batch.BatchCommands.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            do
            {
                if (reader.FieldCount == 2 && reader.GetName(0) == "Sequence" && await reader.ReadAsync(cancellationToken))
                {
                    head = new AuditChain.ChainHead(reader.GetInt64(0), reader.GetString(1));
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        foreach (var (command, updatePlan) in updates)
        {
            if (command.RecordsAffected != 1)
            {
                throw updatePlan.RowChanged();
            }
        }

        if (records.Count > 0 || (commit && !committed))
        {
            await using var last = new Npgsql.NpgsqlBatch(connection, transaction);
            if (records.Count > 0)
            {
                PostgresRows.AddInserts(db, last, typeof(AuditEntry), AuditChain.Chain(head, records));
            }

            if (commit)
            {
                last.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand("COMMIT"));
            }

            await last.ExecuteNonQueryAsync(cancellationToken);
        }

        _inserted.Clear();
        _loaded.Clear();
        _stored.Clear();
        _increments.Clear();
        _reserved.Clear();
        return new Saved(inserted, updated);
    }

    // Keys for the new rows of tables whose key the database generates: reserved ones first, the rest from the sequence.
    private async Task AssignKeysAsync(
        List<(PreparedInserts.TablePlan Table, List<object> Rows)> keyed, Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        var missing = keyed.Select(k => (k.Table, Count: k.Rows.Count - (_reserved.GetValueOrDefault(k.Table.EntityType.ClrType)?.Count ?? 0)))
            .Where(m => m.Count > 0).ToList();
        if (missing.Count > 0)
        {
            await using var more = new Npgsql.NpgsqlBatch(connection, transaction);
            foreach (var (table, count) in missing)
            {
                more.BatchCommands.Add(PostgresRows.NextKeys(db, table.EntityType, count));
            }

            await using var reader = await more.ExecuteReaderAsync(cancellationToken);
            foreach (var (table, count) in missing)
            {
                var keys = new List<long>(count);
                while (await reader.ReadAsync(cancellationToken))
                {
                    keys.Add(reader.GetInt64(0));
                }

                ReserveKeys(table.EntityType.ClrType, keys);
                await reader.NextResultAsync(cancellationToken);
            }
        }

        foreach (var (table, entities) in keyed)
        {
            var setKey = Setter(table.GeneratedKey!);
            var keyType = table.GeneratedKey!.ClrType;
            var reserved = _reserved[table.EntityType.ClrType];
            foreach (var entity in entities)
            {
                setKey(entity, Convert.ChangeType(reserved.Dequeue(), keyType, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    private IEntityType TypeOf(object entity) =>
        db.Model.FindEntityType(entity.GetType()) ?? throw new InvalidOperationException($"{entity.GetType().Name} is not an entity of this model.");

    private static void Add(Dictionary<IEntityType, List<object>> rows, IEntityType type, object entity)
    {
        if (!rows.TryGetValue(type, out var list))
        {
            rows[type] = list = [];
        }

        list.Add(entity);
    }

    // Every object reachable through collection navigations that is not a row yet, with the principal it hangs from.
    private void CollectNew(object entity, IEntityType type, Dictionary<IEntityType, List<object>> rows, Dictionary<object, (object, IForeignKey)> parents)
    {
        foreach (var (child, childType, foreignKey) in Children(entity, type))
        {
            if (_stored.Contains(child) || !parents.TryAdd(child, (entity, foreignKey)))
            {
                continue;
            }

            Add(rows, childType, child);
        }
    }

    private static IEnumerable<(object Child, IEntityType Type, IForeignKey ForeignKey)> Children(object entity, IEntityType type)
    {
        foreach (var (items, target, foreignKey) in Shape.Of(type).Collections)
        {
            if (items(entity) is not System.Collections.IEnumerable children)
            {
                continue;
            }

            foreach (var child in children)
            {
                yield return (child, target, foreignKey);
                foreach (var grandchild in Children(child, target))
                {
                    yield return grandchild;
                }
            }
        }
    }

    // The foreign keys of a row, from the principal it was found under and from its reference navigations.
    private static void FillForeignKeys(object entity, IEntityType type, Dictionary<object, (object Principal, IForeignKey ForeignKey)> parents)
    {
        if (parents.TryGetValue(entity, out var parent))
        {
            Shape.CopyKey(parent.ForeignKey)(entity, parent.Principal);
        }

        foreach (var (principalOf, copyKey) in Shape.Of(type).References)
        {
            if (principalOf(entity) is { } principal)
            {
                copyKey(entity, principal);
            }
        }
    }

    /// <summary>What the writes need of an entity type, read from the model once: its collections and its references.</summary>
    private sealed record Shape(
        (Func<object, object?> Items, IEntityType Target, IForeignKey ForeignKey)[] Collections,
        (Func<object, object?> PrincipalOf, Action<object, object> CopyKey)[] References)
    {
        private static readonly ConcurrentDictionary<IEntityType, Shape> Shapes = new();
        private static readonly ConcurrentDictionary<IForeignKey, Action<object, object>> KeyCopies = new();

        public static Shape Of(IEntityType type) => Shapes.GetOrAdd(type, t => new Shape(
            [.. t.GetNavigations().Where(n => n.IsCollection && !n.IsOnDependent)
                .Select(n => (Getter(n), (IEntityType)n.TargetEntityType, (IForeignKey)n.ForeignKey))],
            [.. t.GetForeignKeys().Where(fk => fk.DependentToPrincipal is not null)
                .Select(fk => (Getter(fk.DependentToPrincipal!), CopyKey(fk)))]));

        /// <summary>Sets the dependent's foreign key to the principal's key, as EF Core's fix-up does.</summary>
        public static Action<object, object> CopyKey(IForeignKey foreignKey) => KeyCopies.GetOrAdd(foreignKey, fk =>
        {
            var keys = fk.PrincipalKey.Properties.Select(p => p.GetGetter()).ToArray();
            var setters = fk.Properties.Select(Setter).ToArray();
            return (dependent, principal) =>
            {
                for (var i = 0; i < setters.Length; i++)
                {
                    setters[i](dependent, keys[i].GetClrValueUsingContainingEntity(principal));
                }
            };
        });

        private static Func<object, object?> Getter(INavigation navigation)
        {
            var getter = navigation.GetGetter();
            return getter.GetClrValueUsingContainingEntity;
        }
    }

    private static readonly ConcurrentDictionary<IProperty, Action<object, object?>> Setters = new();

    /// <summary>
    /// Sets a property the way EF Core materialises it: through its backing field when it has one (private setters
    /// included), else through the property. EF Core keeps its own setters internal.
    /// </summary>
    internal static Action<object, object?> Setter(IProperty property) => Setters.GetOrAdd(property, p =>
    {
        var entity = System.Linq.Expressions.Expression.Parameter(typeof(object), "entity");
        var value = System.Linq.Expressions.Expression.Parameter(typeof(object), "value");
        var target = System.Linq.Expressions.Expression.Convert(entity, p.DeclaringType.ClrType);
        System.Linq.Expressions.Expression member = p.FieldInfo is { } field
            ? System.Linq.Expressions.Expression.Field(target, field)
            : System.Linq.Expressions.Expression.Property(target, p.PropertyInfo ?? throw new InvalidOperationException($"{p.Name} has no field or property to set."));
        // Cast to the member's own type: a field can be narrower than its property (List<string> behind IReadOnlyList<string>).
        var assign = System.Linq.Expressions.Expression.Assign(member, System.Linq.Expressions.Expression.Convert(value, member.Type));
        return System.Linq.Expressions.Expression.Lambda<Action<object, object?>>(assign, entity, value).Compile();
    });

    /// <summary>
    /// One table's UPDATE of the columns that changed, guarded by the concurrency tokens' loaded values.
    /// </summary>
    /// <remarks>
    /// Only what changed is set: SQLite rewrites the entries of every index on a column an UPDATE sets, and runs the
    /// triggers and checks the foreign keys of those columns, whether or not the value differs; a trigger or a foreign
    /// key also makes it keep a statement journal, a copy of every page the statement touches. Setting every column of
    /// a case that took one more report rewrote its nine index entries, fired the title trigger and spilled that journal
    /// to a temporary file (docs/benchmarks.md, sixth round). Each set of changed columns gets its own statement, kept
    /// like the others.
    /// </remarks>
    private sealed class UpdatePlan
    {
        private readonly IProperty[] _properties;
        private readonly RelationalTypeMapping[] _mappings;
        private readonly Column[] _set;
        private readonly Column[] _where;
        private readonly string _table;
        private readonly string _condition;
        private readonly bool _bindsDirectly;
        private readonly ConcurrentDictionary<ulong, Statement> _statements = new();

        private sealed record Column(IProperty Property, RelationalTypeMapping Mapping, int Index, string Parameter, string Sql, string Name);

        private static readonly Npgsql.NpgsqlCommand ParameterFactory = new();

        // The SQL for one set of changed columns, and those columns (indexes into _set) in the order it binds them.
        private sealed record Statement(string Sql, int[] Columns);

        private UpdatePlan(IProperty[] properties, Column[] set, Column[] where, string table)
        {
            _properties = properties;
            _mappings = [.. properties.Select(p => p.GetRelationalTypeMapping())];
            _set = set;
            _where = where;
            _table = table;
            _condition = string.Join(" AND ", where.Select(c => c.Sql));
            _bindsDirectly = properties.All(p => SqliteStatements.CanBind(p.GetRelationalTypeMapping().Converter?.ProviderClrType ?? p.ClrType));
        }

        public static UpdatePlan Build(IEntityType type, ISqlGenerationHelper sql)
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var properties = type.GetProperties().ToArray();
            var key = type.FindPrimaryKey()!.Properties;
            var set = new List<Column>();
            var where = new List<Column>();
            for (var i = 0; i < properties.Length; i++)
            {
                var property = properties[i];
                var column = sql.DelimitIdentifier(property.GetColumnName(table)!);
                if (!key.Contains(property))
                {
                    var name = "p" + set.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    set.Add(new(property, property.GetRelationalTypeMapping(), i, sql.GenerateParameterName(name),
                        $"{column} = {sql.GenerateParameterNamePlaceholder(name)}", column));
                }

                if (key.Contains(property) || property.IsConcurrencyToken)
                {
                    var name = "w" + where.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    where.Add(new(property, property.GetRelationalTypeMapping(), i, sql.GenerateParameterName(name),
                        $"{column} = {sql.GenerateParameterNamePlaceholder(name)}", column));
                }
            }

            return new UpdatePlan(properties, [.. set], [.. where], sql.DelimitIdentifier(type.GetTableName()!, type.GetSchema()));
        }

        /// <summary>
        /// The row's values as they go to the database (through the converters): they are what is compared, and being
        /// strings, numbers and dates they are snapshots too (a list of tags becomes its JSON text).
        /// </summary>
        public object[] Values(object entity)
        {
            var values = new object[_properties.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = PreparedInserts.TablePlan.ProviderValue(_mappings[i], _properties[i].GetGetter().GetClrValueUsingContainingEntity(entity));
            }

            return values;
        }

        /// <summary>
        /// PostgreSQL: the UPDATE of the columns that changed, with positional parameters, for the caller's batch; null
        /// when nothing changed. Guarded like <see cref="UpdateIfChangedAsync"/>: the caller checks it changed one row.
        /// </summary>
        public Npgsql.NpgsqlBatchCommand? PostgresUpdate(object entity, object?[] loaded)
        {
            var current = Values(entity);
            var command = new Npgsql.NpgsqlBatchCommand();
            var text = new System.Text.StringBuilder("UPDATE ").Append(_table).Append(" SET ");
            for (var i = 0; i < _set.Length; i++)
            {
                var column = _set[i];
                if (!Differs(current[column.Index], loaded[column.Index]))
                {
                    continue;
                }

                text.Append(command.Parameters.Count == 0 ? "" : ", ").Append(column.Name).Append(" = $").Append(command.Parameters.Count + 1);
                command.Parameters.Add(Parameter(column, current[column.Index]));
            }

            if (command.Parameters.Count == 0)
            {
                return null;
            }

            text.Append(" WHERE ");
            for (var i = 0; i < _where.Length; i++)
            {
                // The key as it is, a concurrency token as it was loaded: a row someone else changed meanwhile is not overwritten.
                text.Append(i == 0 ? "" : " AND ").Append(_where[i].Name).Append(" = $").Append(command.Parameters.Count + 1);
                command.Parameters.Add(Parameter(_where[i], loaded[_where[i].Index]));
            }

            command.CommandText = text.ToString();
            return command;
        }

        // A value already in its provider form (Values): typed by the column's mapping, not converted again.
        private static Npgsql.NpgsqlParameter Parameter(Column column, object? providerValue)
        {
            var parameter = (Npgsql.NpgsqlParameter)column.Mapping.CreateParameter(ParameterFactory, "", null, column.Property.IsNullable);
            parameter.ParameterName = "";
            parameter.Value = providerValue ?? DBNull.Value;
            return parameter;
        }

        public async Task<bool> UpdateIfChangedAsync(DbConnection connection, DbTransaction transaction, object entity, object?[] loaded, CancellationToken cancellationToken)
        {
            var current = Values(entity);
            var changed = 0UL;
            for (var i = 0; i < _set.Length; i++)
            {
                if (Differs(current[_set[i].Index], loaded[_set[i].Index]))
                {
                    // Past 64 columns every column is set (no table of ours has that many).
                    changed |= i < 64 ? 1UL << i : ulong.MaxValue;
                }
            }

            if (changed == 0)
            {
                return false;
            }

            var update = _statements.GetOrAdd(changed, StatementFor);
            if (_bindsDirectly && SqliteStatements.For(connection) is { } statements)
            {
                // The intake writer's connection: bound by position (the SET values, then the WHERE values, as in the SQL).
                var changedRows = statements.ExecuteOnce(update.Sql, statement =>
                {
                    for (var i = 0; i < update.Columns.Length; i++)
                    {
                        SqliteStatements.Bind(statement, i + 1, current[_set[update.Columns[i]].Index]);
                    }

                    for (var i = 0; i < _where.Length; i++)
                    {
                        SqliteStatements.Bind(statement, update.Columns.Length + i + 1, loaded[_where[i].Index]!);
                    }
                });
                return changedRows == 1 ? true : throw RowChanged();
            }

            await using var lease = ConnectionCommands.Get(connection, transaction, update.Sql, command =>
            {
                foreach (var column in update.Columns.Select(i => _set[i]).Concat(_where))
                {
                    command.Parameters.Add(column.Mapping.CreateParameter(command, column.Parameter, null, column.Property.IsNullable));
                }
            });
            var parameters = lease.Command.Parameters;
            for (var i = 0; i < update.Columns.Length; i++)
            {
                parameters[i].Value = current[_set[update.Columns[i]].Index];
            }

            // The key as it is, a concurrency token as it was loaded: a row someone else changed meanwhile is not overwritten.
            for (var i = 0; i < _where.Length; i++)
            {
                parameters[update.Columns.Length + i].Value = loaded[_where[i].Index]!;
            }

            var rows = await lease.Command.ExecuteNonQueryAsync(cancellationToken);
            foreach (DbParameter parameter in parameters)
            {
                parameter.Value = DBNull.Value;
            }

            return rows == 1 ? true : throw RowChanged();
        }

        private static bool Differs(object? current, object? loaded) =>
            current is byte[] bytes && loaded is byte[] before ? !bytes.AsSpan().SequenceEqual(before)
            // A collection stored as it is (PostgreSQL's arrays): compared by its elements, not as an object.
            : current is System.Collections.IEnumerable items && current is not string && loaded is System.Collections.IEnumerable old
                ? !items.Cast<object?>().SequenceEqual(old.Cast<object?>())
            : !Equals(current, loaded);

        private Statement StatementFor(ulong changed)
        {
            int[] columns = [.. Enumerable.Range(0, _set.Length).Where(i => i >= 64 || (changed & (1UL << i)) != 0)];
            return new Statement($"UPDATE {_table} SET {string.Join(", ", columns.Select(i => _set[i].Sql))} WHERE {_condition}", columns);
        }

        public DbUpdateConcurrencyException RowChanged() =>
            new($"The {_properties[0].DeclaringType.DisplayName()} row was changed or deleted since it was read.");
    }
}

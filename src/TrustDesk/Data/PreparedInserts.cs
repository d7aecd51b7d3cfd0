using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace TrustDesk.Data;

/// <summary>
/// SaveChanges for a context that mostly adds rows, as the intake writer's group commit does: every added entity is
/// written by one prepared INSERT per table, reused row after row, and only what is left (updated cases) goes through
/// EF Core's own SaveChanges, in the same transaction. Used on SQLite only (<see cref="TrustDeskDb.SaveBatchAsync"/>):
/// there a statement costs no round trip, while on PostgreSQL EF Core's batching into one round trip is the better deal.
/// </summary>
/// <remarks>
/// Why: a report adds about nine rows (case, its events, message, report, subjects, links). EF Core's update pipeline
/// builds, per row, a modification command, a parameter per column through the type mapping, SQL text and a place in
/// a dependency sort; measured on the intake writer that was about two thirds of its CPU, SQLite itself the rest. Here
/// the SQL is built once per table from the EF model (column names, type mappings and value converters are EF's own,
/// so the rows are the ones SaveChanges would write) and only parameter values change per row.
/// Only plain tables are taken this way; anything else (inheritance, owned or table-split types, database defaults,
/// computed columns, SaveChanges interceptors) makes the whole save fall back to SaveChanges, so a model change can
/// cost speed but never correctness.
/// </remarks>
public static class PreparedInserts
{
    private static readonly ConcurrentDictionary<IModel, ModelPlan> Plans = new();

    /// <summary>Saves all tracked changes; returns the number of rows written.</summary>
    /// <param name="db">The context.</param>
    /// <param name="saveChanges">EF Core's own save, for what this path does not take.</param>
    /// <param name="callerStandsInForInterceptors">
    /// SaveChanges interceptors never see the rows written here. Unless the caller does their job itself (the intake
    /// writer tells consoles about its cases), a context with interceptors saves through EF Core only.
    /// </param>
    /// <param name="cancellationToken">Cancels the save.</param>
    public static async Task<int> SaveChangesAsync(
        DbContext db, Func<CancellationToken, Task<int>> saveChanges, bool callerStandsInForInterceptors, CancellationToken cancellationToken)
    {
        if (!callerStandsInForInterceptors && HasSaveInterceptors(db))
        {
            return await saveChanges(cancellationToken);
        }

        var plan = Plans.GetOrAdd(db.Model, model => ModelPlan.Build(model, db.GetService<ISqlGenerationHelper>()));
        var added = new Dictionary<IEntityType, List<EntityEntry>>();
        var othersChanged = false;
        foreach (var entry in db.ChangeTracker.Entries()) // detects changes first
        {
            if (entry.State == EntityState.Added && plan.Tables.ContainsKey(entry.Metadata))
            {
                if (!added.TryGetValue(entry.Metadata, out var entries))
                {
                    added[entry.Metadata] = entries = [];
                }

                entries.Add(entry);
            }
            else if (entry.State == EntityState.Added)
            {
                // A table this path does not take: let EF Core write everything, in its own order.
                return await saveChanges(cancellationToken);
            }
            else if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                othersChanged = true;
            }
        }

        if (added.Count == 0)
        {
            return othersChanged ? await saveChanges(cancellationToken) : 0;
        }

        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
            var written = 0;
            foreach (var table in plan.InsertOrder)
            {
                if (added.TryGetValue(table.EntityType, out var entries))
                {
                    written += await table.InsertAsync(connection, transaction, entries, cancellationToken);
                }
            }

            foreach (var entries in added.Values)
            {
                foreach (var entry in entries)
                {
                    entry.State = EntityState.Unchanged;
                }
            }

            if (othersChanged)
            {
                written += await saveChanges(cancellationToken);
            }

            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            return written;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    /// <summary>The tables of the context's model this path can write (built once per model).</summary>
    internal static ModelPlan PlanFor(DbContext db) => Plans.GetOrAdd(db.Model, model => ModelPlan.Build(model, db.GetService<ISqlGenerationHelper>()));

    /// <summary>Whether added entities of this type are written here rather than by SaveChanges (for tests).</summary>
    internal static bool Takes(DbContext db, Type entityClrType) =>
        db.Model.FindEntityType(entityClrType) is { } entityType
        && Plans.GetOrAdd(db.Model, model => ModelPlan.Build(model, db.GetService<ISqlGenerationHelper>())).Tables.ContainsKey(entityType);

    private static bool HasSaveInterceptors(DbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<ISaveChangesInterceptor>().Any() == true;

    /// <summary>The tables of one model this path can write, in an order that inserts principals before dependents.</summary>
    internal sealed class ModelPlan(Dictionary<IEntityType, TablePlan> tables, List<TablePlan> insertOrder)
    {
        public Dictionary<IEntityType, TablePlan> Tables { get; } = tables;
        public List<TablePlan> InsertOrder { get; } = insertOrder;

        public static ModelPlan Build(IModel model, ISqlGenerationHelper sql)
        {
            var tables = new Dictionary<IEntityType, TablePlan>();
            foreach (var entityType in model.GetEntityTypes())
            {
                if (TablePlan.TryBuild(entityType, sql) is { } table)
                {
                    tables[entityType] = table;
                }
            }

            // Principals first: a dependent table is taken only once every table it points to is placed (or is not ours,
            // in which case its rows already exist: an added row of a table we do not take sends the save to EF Core).
            var order = new List<TablePlan>();
            var placed = new HashSet<IEntityType>();
            var pending = tables.Values.ToList();
            while (pending.Count > 0)
            {
                var ready = pending.Where(t => t.EntityType.GetForeignKeys().All(fk =>
                    placed.Contains(fk.PrincipalEntityType) || !tables.ContainsKey(fk.PrincipalEntityType))).ToList();
                if (ready.Count == 0)
                {
                    // A cycle between tables: leave those to EF Core, which can order rows within a cycle.
                    foreach (var table in pending)
                    {
                        tables.Remove(table.EntityType);
                    }

                    break;
                }

                foreach (var table in ready)
                {
                    order.Add(table);
                    placed.Add(table.EntityType);
                    pending.Remove(table);
                }
            }

            return new ModelPlan(tables, order);
        }
    }

    /// <summary>One table's INSERT: its columns with EF's type mappings, and the key the database generates, if any.</summary>
    internal sealed class TablePlan
    {
        private readonly (IProperty Property, RelationalTypeMapping Mapping, string Parameter)[] _columns;
        private readonly IProperty? _generatedKey;

        // The value a generated key has before the database assigns it (0 for the identity keys taken here).
        private readonly object? _unsetKey;
        private readonly string _sql;
        private readonly bool _bindsDirectly;

        // The INSERT without RETURNING, for SQLite's own API: the key is the rowid SQLite reports after each row.
        // RETURNING is run as a trigger, and a statement with a trigger keeps a statement journal: every page the
        // insert touches (a case touches nine indexes) was copied to it, spilling to a temporary file past 64 KiB.
        private readonly string _directSql;

        private TablePlan(IEntityType entityType, (IProperty, RelationalTypeMapping, string)[] columns, IProperty? generatedKey, string sql, string directSql)
        {
            EntityType = entityType;
            _columns = columns;
            _generatedKey = generatedKey;
            _unsetKey = generatedKey is null ? null : generatedKey.Sentinel ?? Activator.CreateInstance(generatedKey.ClrType);
            _sql = sql;
            _directSql = directSql;
            // Parameters are numbered in the SQL in column order (p0 is ?1), so they can be bound by position.
            _bindsDirectly = columns.All(c => SqliteStatements.CanBind(c.Item2.Converter?.ProviderClrType ?? c.Item1.ClrType));
        }

        public IEntityType EntityType { get; }

        /// <summary>The key the database generates (an identity column), if any.</summary>
        public IProperty? GeneratedKey => _generatedKey;

        public static TablePlan? TryBuild(IEntityType entityType, ISqlGenerationHelper sql)
        {
            var tableName = entityType.GetTableName();
            if (tableName is null || entityType.IsOwned() || entityType.BaseType is not null || entityType.GetDerivedTypes().Any()
                || entityType.GetViewName() is not null || entityType.FindPrimaryKey() is not { } primaryKey
                || entityType.GetForeignKeys().Any(fk => fk.PrincipalEntityType == entityType)
                || entityType.GetNavigations().Any(n => n.TargetEntityType.IsOwned())
                || entityType.GetComplexProperties().Any())
            {
                return null;
            }

            var table = StoreObjectIdentifier.Table(tableName, entityType.GetSchema());
            if (entityType.GetTableMappings().Any(m => m.Table.EntityTypeMappings.Count() > 1))
            {
                return null;
            }

            // Parameters are named as EF Core names them: p0, p1... in the SQL through the provider's placeholder syntax.
            var columns = new List<(IProperty, RelationalTypeMapping, string)>();
            var placeholders = new List<string>();
            IProperty? generatedKey = null;
            foreach (var property in entityType.GetProperties())
            {
                if (property.GetColumnName(table) is not { } column)
                {
                    return null;
                }

                if (property.GetComputedColumnSql() is not null || property.GetDefaultValueSql() is not null || property.TryGetDefaultValue(out _))
                {
                    return null;
                }

                if (property.ValueGenerated != ValueGenerated.Never)
                {
                    // The one kind of generated value taken here: an identity key (SQLite AUTOINCREMENT, PostgreSQL
                    // identity), read back with RETURNING. Client-side generators and anything else go to EF Core.
                    if (generatedKey is not null || !primaryKey.Properties.SequenceEqual([property]) || property.GetValueGeneratorFactory() is not null
                        || property.ClrType != typeof(long) && property.ClrType != typeof(int))
                    {
                        return null;
                    }

                    generatedKey = property;
                    continue;
                }

                var name = "p" + columns.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                columns.Add((property, property.GetRelationalTypeMapping(), sql.GenerateParameterName(name)));
                placeholders.Add(sql.GenerateParameterNamePlaceholder(name));
            }

            var insert = $"INSERT INTO {sql.DelimitIdentifier(tableName, entityType.GetSchema())} " +
                $"({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Item1.GetColumnName(table)!)))}) " +
                $"VALUES ({string.Join(", ", placeholders)})";
            var text = insert + (generatedKey is null ? "" : $" RETURNING {sql.DelimitIdentifier(generatedKey.GetColumnName(table)!)}");
            return new TablePlan(entityType, [.. columns], generatedKey, text, insert);
        }

        public async Task<int> InsertAsync(DbConnection connection, DbTransaction transaction, List<EntityEntry> entries, CancellationToken cancellationToken)
        {
            // One command for all rows, kept with the connection: SQLite prepares the statement on first use and reuses
            // it while the command and the connection live (for the intake writer's connection: as long as the server).
            // Its parameters are made once, through EF's type mappings; each row only sets their values.
            await using var lease = ConnectionCommands.Get(connection, transaction, _sql, AddParameters);
            var command = lease.Command;
            var parameters = command.Parameters;
            foreach (var entry in entries)
            {
                if (_generatedKey is not null && !entry.Property(_generatedKey).IsTemporary)
                {
                    throw new InvalidOperationException($"An added {EntityType.DisplayName()} carries its own {_generatedKey.Name}; the database assigns it.");
                }

                var values = entry.CurrentValues;
                for (var i = 0; i < _columns.Length; i++)
                {
                    var (property, mapping, _) = _columns[i];
                    parameters[i].Value = ProviderValue(mapping, values[property]);
                }

                if (_generatedKey is null)
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                    continue;
                }

                // Setting the real key replaces the temporary one, and EF Core carries it into the foreign keys of the
                // dependents it tracks (the case's events, messages, reports), which are inserted after this table.
                var key = await command.ExecuteScalarAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"INSERT INTO {EntityType.GetTableName()} returned no key.");
                entry.Property(_generatedKey).CurrentValue = Convert.ChangeType(key, _generatedKey.ClrType, System.Globalization.CultureInfo.InvariantCulture);
            }

            // A kept command outlives the batch: it should not keep the last row's values alive.
            foreach (DbParameter parameter in parameters)
            {
                parameter.Value = DBNull.Value;
            }

            return entries.Count;
        }

        /// <summary>
        /// Inserts entities no context tracks (<see cref="UntrackedWrites"/>): values are read from the objects through
        /// EF Core's property getters, and a key the database generates is set on the object through its setter.
        /// </summary>
        public async Task InsertUntrackedAsync(DbConnection connection, DbTransaction transaction, List<object> entities, CancellationToken cancellationToken)
        {
            if (_bindsDirectly && SqliteStatements.For(connection) is { } statements)
            {
                InsertDirectly(statements, entities);
                return;
            }

            await using var lease = ConnectionCommands.Get(connection, transaction, _sql, AddParameters);
            var command = lease.Command;
            var parameters = command.Parameters;
            foreach (var entity in entities)
            {
                if (_generatedKey is not null && !Equals(_generatedKey.GetGetter().GetClrValueUsingContainingEntity(entity), _unsetKey))
                {
                    throw new InvalidOperationException($"An added {EntityType.DisplayName()} carries its own {_generatedKey.Name}; the database assigns it.");
                }

                for (var i = 0; i < _columns.Length; i++)
                {
                    var (property, mapping, _) = _columns[i];
                    parameters[i].Value = ProviderValue(mapping, property.GetGetter().GetClrValueUsingContainingEntity(entity));
                }

                if (_generatedKey is null)
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                    continue;
                }

                var key = await command.ExecuteScalarAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"INSERT INTO {EntityType.GetTableName()} returned no key.");
                UntrackedWrites.Setter(_generatedKey)(entity, Convert.ChangeType(key, _generatedKey.ClrType, System.Globalization.CultureInfo.InvariantCulture));
            }

            foreach (DbParameter parameter in parameters)
            {
                parameter.Value = DBNull.Value;
            }
        }

        // The same rows through SQLite's own API, on the intake writer's connection (SqliteStatements says why).
        private void InsertDirectly(SqliteStatements statements, List<object> entities)
        {
            var setKey = _generatedKey is null ? null : UntrackedWrites.Setter(_generatedKey);
            // The generated key is an identity key (TryBuild takes no other): on SQLite an INTEGER PRIMARY KEY, the rowid.
            statements.Execute(_directSql, entities.Count, (statement, row) =>
            {
                var entity = entities[row];
                if (_generatedKey is not null && !Equals(_generatedKey.GetGetter().GetClrValueUsingContainingEntity(entity), _unsetKey))
                {
                    throw new InvalidOperationException($"An added {EntityType.DisplayName()} carries its own {_generatedKey.Name}; the database assigns it.");
                }

                for (var i = 0; i < _columns.Length; i++)
                {
                    var (property, mapping, _) = _columns[i];
                    SqliteStatements.Bind(statement, i + 1, ProviderValue(mapping, property.GetGetter().GetClrValueUsingContainingEntity(entity)));
                }
            }, setKey is null ? null : (row, key) => setKey(entities[row], Convert.ChangeType(key, _generatedKey!.ClrType, System.Globalization.CultureInfo.InvariantCulture)));
        }

        private void AddParameters(DbCommand command)
        {
            foreach (var (property, mapping, parameter) in _columns)
            {
                command.Parameters.Add(mapping.CreateParameter(command, parameter, null, property.IsNullable));
            }
        }

        /// <summary>
        /// A value as <see cref="RelationalTypeMapping.CreateParameter"/> would put it in a parameter: through the
        /// mapping's converter (enums, Guids as text, JSON columns...), an enum without one as its number, null as
        /// DBNull. The rows are compared with EF Core's own in PreparedInsertsTests.
        /// </summary>
        internal static object ProviderValue(RelationalTypeMapping mapping, object? value)
        {
            if (value is null)
            {
                return DBNull.Value;
            }

            if (mapping.Converter is { } converter)
            {
                return converter.ConvertToProvider(value) ?? DBNull.Value;
            }

            return value is Enum ? Convert.ChangeType(value, Enum.GetUnderlyingType(value.GetType()), System.Globalization.CultureInfo.InvariantCulture) : value;
        }
    }
}

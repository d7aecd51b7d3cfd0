using System.Data.Common;
using System.Runtime.CompilerServices;

namespace TrustDesk.Data;

/// <summary>
/// Commands kept per connection and SQL text, for connections their owner holds open (the intake writer's, see
/// <see cref="SingleWriterContexts"/>). SQLite prepares a command's statement on its first run and keeps it while the
/// command lives and the connection stays open, so each insert of the writer is prepared once instead of once per
/// batch. Any other connection gets a fresh command per use, disposed after it: a pooled connection closes after
/// each use, and Microsoft.Data.Sqlite refuses to hand a connection back to its pool while statements prepared on it
/// are still alive.
/// </summary>
internal static class ConnectionCommands
{
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> Kept = [];

    /// <summary>From now on, commands of this connection are kept. Call only for a connection that stays open.</summary>
    public static void KeepFor(DbConnection connection) => Kept.AddOrUpdate(connection, []);

    /// <summary>
    /// A command for <paramref name="sql"/> on the connection, enlisted in <paramref name="transaction"/>;
    /// <paramref name="addParameters"/> runs when the command is made. A connection is used by one caller at a time,
    /// and so are its commands. Dispose the lease when done (it disposes only commands that are not kept).
    /// </summary>
    public static Lease Get(DbConnection connection, DbTransaction? transaction, string sql, Action<DbCommand>? addParameters = null)
    {
        if (!Kept.TryGetValue(connection, out var commands))
        {
            return new Lease(Create(connection, transaction, sql, addParameters), owned: true);
        }

        if (!commands.TryGetValue(sql, out var command))
        {
            commands[sql] = command = Create(connection, transaction, sql, addParameters);
        }

        command.Transaction = transaction;
        return new Lease(command, owned: false);
    }

    private static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql, Action<DbCommand>? addParameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        addParameters?.Invoke(command);
        return command;
    }

    /// <summary>A command for one use.</summary>
    public readonly struct Lease(DbCommand command, bool owned) : IAsyncDisposable
    {
        public DbCommand Command { get; } = command;

        public ValueTask DisposeAsync() => owned ? Command.DisposeAsync() : ValueTask.CompletedTask;
    }
}

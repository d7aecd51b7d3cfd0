using System.Data.Common;
using System.Runtime.CompilerServices;

namespace TrustDesk.Data;

/// <summary>
/// Commands kept per connection and SQL text. SQLite prepares a command's statement on its first run and keeps it
/// while the command lives and the connection stays open, so a writer that keeps its connection
/// (<see cref="SingleWriterContexts"/>) prepares each of its inserts once instead of once per batch. On a pooled
/// connection, which closes after each use, the statement is simply prepared again on the next run.
/// </summary>
internal static class ConnectionCommands
{
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> Commands = [];

    /// <summary>
    /// The connection's command for <paramref name="sql"/>, enlisted in <paramref name="transaction"/>;
    /// <paramref name="addParameters"/> runs once, when the command is made. A connection is used by one caller at a
    /// time, and so are its commands.
    /// </summary>
    public static DbCommand Get(DbConnection connection, DbTransaction? transaction, string sql, Action<DbCommand>? addParameters = null)
    {
        var commands = Commands.GetOrCreateValue(connection);
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            addParameters?.Invoke(command);
            commands[sql] = command;
        }

        command.Transaction = transaction;
        return command;
    }
}

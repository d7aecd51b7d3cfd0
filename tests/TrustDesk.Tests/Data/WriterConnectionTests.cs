using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using TrustDesk.Data;

namespace TrustDesk.Tests.Data;

/// <summary>
/// What the intake writer's SQLite connection relies on, on real files: the WAL flusher (answers only after an fsync),
/// the background checkpointer, and values bound through SQLite's API stored as Microsoft.Data.Sqlite stores them.
/// </summary>
public sealed class WriterConnectionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("trustdesk-wal-").FullName;

    [Fact]
    public async Task Flusher_AnswersEveryCommitHandedToIt_AfterItsFsync()
    {
        var path = Path.Combine(_directory, "flush.db");
        await using var connection = await OpenWalAsync(path, "PRAGMA synchronous = NORMAL;");
        using var flusher = new WalFlusher(path, NullLogger.Instance);
        var answers = new List<Task<Exception?>>();
        for (var i = 0; i < 20; i++)
        {
            await ExecuteAsync(connection, $"INSERT INTO Rows (Text) VALUES ('{i}');");
            var answered = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            flusher.AfterCommit(answered.SetResult);
            answers.Add(answered.Task);
        }

        var errors = await Task.WhenAll(answers).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.All(errors, Assert.Null);
    }

    [Fact]
    public async Task Flusher_FileGone_AnswersWithTheError_AndDisposeAnswersWhatIsPending()
    {
        var missing = Path.Combine(_directory, "no-such-directory", "gone.db");
        var flusher = new WalFlusher(missing, NullLogger.Instance);
        var answered = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        flusher.AfterCommit(answered.SetResult);
        flusher.Dispose();

        // Disposing waits for the pending answer: it is there without waiting any longer.
        Assert.True(answered.Task.IsCompleted);
        Assert.IsAssignableFrom<IOException>(await answered.Task);
        Assert.Throws<ObjectDisposedException>(() => flusher.AfterCommit(_ => { }));
    }

    [Fact]
    public async Task Checkpointer_CopiesTheLogIntoTheDatabase_WhenNudged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var path = Path.Combine(_directory, "checkpoint.db");

        // This connection never checkpoints by itself: only the checkpointer can move the pages into the file.
        await using var connection = await OpenWalAsync(path, "PRAGMA wal_autocheckpoint = 0;");
        var emptySize = new FileInfo(path).Length;
        await ExecuteAsync(connection, "BEGIN; " + string.Concat(Enumerable.Range(0, 500).Select(i => $"INSERT INTO Rows (Text) VALUES ('{new string('x', 500)}{i}'); ")) + "COMMIT;");
        Assert.Equal(emptySize, new FileInfo(path).Length);

        using var checkpointer = new SqliteCheckpointer($"Data Source={path};Pooling=False", NullLogger<SqliteCheckpointer>.Instance);
        await checkpointer.StartAsync(cancellationToken);
        checkpointer.Nudge();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (new FileInfo(path).Length <= emptySize && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellationToken);
        }

        await checkpointer.StopAsync(cancellationToken);
        Assert.True(new FileInfo(path).Length > 250_000, $"the database file is {new FileInfo(path).Length} bytes: the log was not copied into it");
    }

    [Fact]
    public async Task DirectBinding_StoresValuesAsMicrosoftDataSqliteDoes()
    {
        var path = Path.Combine(_directory, "binding.db");
        await using var connection = await OpenWalAsync(path, "");
        await ExecuteAsync(connection, "CREATE TABLE Values2 (Way TEXT, Value);");
        object[] values =
        [
            new DateTime(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 1, 2, 3, 4, 5, 120, DateTimeKind.Utc),
            new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1), DateTime.MaxValue, Guid.CreateVersion7(), "é ∑ 😀", 42L, 7, true, 2.5, 12.50m,
            new byte[] { 1, 2, 3 }, DBNull.Value,
        ];
        foreach (var value in values)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO Values2 VALUES ('driver', $value);";
            command.Parameters.AddWithValue("$value", value);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        SqliteStatements.KeepFor(connection);
        SqliteStatements.For(connection)!.Execute("INSERT INTO Values2 VALUES ('direct', ?1);", values.Length,
            (statement, row) => SqliteStatements.Bind(statement, 1, values[row]), insertedRowid: null);

        async Task<List<string>> StoredAsync(string way)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT typeof(Value) || ':' || quote(Value) FROM Values2 WHERE Way = '{way}' ORDER BY rowid;";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var rows = new List<string>();
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                rows.Add(reader.GetString(0));
            }

            return rows;
        }

        Assert.Equal(await StoredAsync("driver"), await StoredAsync("direct"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<SqliteConnection> OpenWalAsync(string path, string pragmas)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL; " + pragmas + " CREATE TABLE Rows (Id INTEGER PRIMARY KEY, Text TEXT NOT NULL);");
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

using TrustDesk.Taxonomy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Queues;

namespace TrustDesk.Tests.Cases;

/// <summary>The SQLite search index in its own file: built from the database, caught up before every search.</summary>
public sealed class SqliteSearchIndexTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 28, 9, 30, 0, DateTimeKind.Utc);
    private readonly string _directory = Directory.CreateTempSubdirectory("trustdesk-search-").FullName;

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "trustdesk.db")}";

    [Fact]
    public async Task MatchAsync_FindsWhatWasCommittedBeforeIt_WithoutTheIndexerRunning()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var caseId = await AddCaseAsync("Fake slab of a rookie card", "The hologram on the slab peels off", cancellationToken);
        using var index = new SqliteSearchIndex(ConnectionString, NullLogger<SqliteSearchIndex>.Instance);

        Assert.Equal([caseId], await index.MatchAsync("\"hologram\"", cancellationToken));
        Assert.Equal([caseId], await index.MatchAsync("\"rooki\"*", cancellationToken));
        Assert.Empty(await index.MatchAsync("\"sneakers\"", cancellationToken));

        // Only what is new is read the next time.
        var second = await AddCaseAsync("Sneakers never shipped", "Paid for the sneakers, nothing came", cancellationToken);
        Assert.Equal(2, await index.CatchUpAsync(cancellationToken));
        Assert.Equal([second], await index.MatchAsync("\"sneakers\"", cancellationToken));
    }

    [Fact]
    public async Task MatchAsync_AfterTheIndexFileIsDeleted_RebuildsItFromTheDatabase()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var caseId = await AddCaseAsync("Harassment in live chat", "He keeps sending threats in the stream chat", cancellationToken);
        using (var first = new SqliteSearchIndex(ConnectionString, NullLogger<SqliteSearchIndex>.Instance))
        {
            Assert.Equal([caseId], await first.MatchAsync("\"threats\"", cancellationToken));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_directory, "search.db*"))
        {
            File.Delete(file);
        }

        using var rebuilt = new SqliteSearchIndex(ConnectionString, NullLogger<SqliteSearchIndex>.Instance);
        Assert.Equal([caseId], await rebuilt.MatchAsync("\"threats\"", cancellationToken));
    }

    public async ValueTask InitializeAsync()
    {
        await using var db = Open();
        await DatabaseMigrator.MigrateAsync(db, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private SqliteTrustDeskDb Open() => new(new DbContextOptionsBuilder<SqliteTrustDeskDb>().UseSqlite(ConnectionString).Options);

    private async Task<long> AddCaseAsync(string title, string text, CancellationToken cancellationToken)
    {
        await using var db = Open();
        var actor = new Actor("agent", "a-1", "Agent");
        var queue = await db.Queues.FirstAsync(q => q.Name == DefaultQueues.Triage, cancellationToken);
        var @case = Case.Open(title, Severity.S3, null, queue, Channel.Api, null, actor, Now);
        @case.AddMessage(MessageDirection.Inbound, Channel.Api, text, actor, Now);
        db.Cases.Add(@case);
        await db.SaveChangesAsync(cancellationToken);
        return @case.Id;
    }
}

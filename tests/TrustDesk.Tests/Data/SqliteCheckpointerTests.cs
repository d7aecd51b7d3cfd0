using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Data;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Data;

/// <summary>The write-ahead log is copied back by the checkpointer, never by a commit.</summary>
public sealed class SqliteCheckpointerTests
{
    [Fact]
    public async Task Commits_LeaveTheLogToTheCheckpointer_WhichCopiesItBack()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        // An hour between ticks: in this test only the explicit checkpoint below runs.
        await using var app = new TrustDeskFactory(Provider.Sqlite, null, new Dictionary<string, string?> { ["TrustDesk:Database:SqliteCheckpointMilliseconds"] = "3600000" });
        var client = await app.CreateApiClientAsync();

        // Enough writes to pass SQLite's default automatic checkpoint (1,000 log pages) several times over.
        var text = new string('x', 3_000);
        for (var i = 0; i < 300; i++)
        {
            await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = $"u-{i}" }, text })).ExpectAsync(HttpStatusCode.Created);
        }

        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            await db.Database.OpenConnectionAsync(cancellationToken);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint";
            Assert.Equal(0L, await command.ExecuteScalarAsync(cancellationToken));
        }

        var walFile = Path.Combine(app.DataDirectory, "trustdesk.db-wal");
        Assert.True(new FileInfo(walFile).Length > 1_000 * 4_096, $"the log holds {new FileInfo(walFile).Length} bytes: something checkpointed it");

        var (logPages, copied) = await app.Services.GetRequiredService<SqliteCheckpointer>().CheckpointAsync(cancellationToken);

        Assert.True(logPages > 1_000, $"{logPages} log pages");
        Assert.Equal(logPages, copied);
    }
}

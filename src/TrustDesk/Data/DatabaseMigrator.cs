using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace TrustDesk.Data;

/// <summary>
/// Runs before anything else starts. SQLite is migrated at start (it is one file beside one process); PostgreSQL is
/// migrated by <c>trustdesk migrate</c>, as an operator step, and a node refuses to start on an unmigrated database.
/// </summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        if (options.Value.IsPostgres && !options.Value.MigrateOnStart)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}). Run `trustdesk migrate` first.");
            }

            return;
        }

        await MigrateAsync(db, cancellationToken);
        logger.LogInformation("Database ready ({Provider})", db.Database.ProviderName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task MigrateAsync(TrustDeskDb db, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db is SqliteTrustDeskDb)
        {
            // WAL lets readers run beside the one writer; it is a property of the file, set once.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}

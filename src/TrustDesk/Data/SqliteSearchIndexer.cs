namespace TrustDesk.Data;

/// <summary>
/// Keeps <see cref="SqliteSearchIndex"/> a moment behind the database: catches it up a few times a second, on a thread
/// of the pool rather than in any writer's transaction. Searches catch up themselves before they run, so this only
/// keeps that step short.
/// </summary>
public sealed class SqliteSearchIndexer(SqliteSearchIndex index, ILogger<SqliteSearchIndexer> logger) : BackgroundService
{
    /// <summary>How often the index looks for new rows. Bigger steps index more rows per transaction, for less per row.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                try
                {
                    await index.CatchUpAsync(stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // The database stays the record; the next round tries again from the same watermark.
                    logger.LogWarning(error, "Search index catch-up failed; retrying");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever is not indexed yet is indexed at the next start.
        }
    }
}

using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Signals;

/// <summary>Deletes buckets past their resolution's retention, hourly, so the counters stay bounded.</summary>
public sealed class PruneSignalBuckets(IServiceScopeFactory scopes, TimeProvider time, ILogger<PruneSignalBuckets> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning(error, "Pruning signal buckets failed; will retry in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var resolution in SignalResolutions.All)
        {
            var before = now - SignalResolutions.Retention(resolution) - TimeSpan.FromDays(1);
            await db.SignalBuckets.Where(b => b.Resolution == resolution && b.BucketStart < before).ExecuteDeleteAsync(cancellationToken);
        }
    }
}

using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

/// <summary>
/// Rebuilds every rollup row from the cases' logs (<c>trustdesk metrics rebuild</c>): after a restore, an upgrade that
/// counts something new, or to check the live rollups. Walks the cases in id order, a chunk at a time, replaying each
/// case's whole log through the same <see cref="RollupDeltas"/> the live observer uses, and replaces the rows in one
/// transaction, so a reader sees the old figures or the new, never half. Run it with the server stopped: on SQLite the
/// transaction holds the write lock until it commits, and on PostgreSQL changes made meanwhile would be counted twice or
/// not at all.
/// </summary>
public sealed class RebuildRollups(TrustDeskDb db, CategoryCatalog catalog)
{
    public const int CasesPerChunk = 5_000;

    /// <summary>Rows are written once this many are pending (they merge in memory until then).</summary>
    private const int RowsPerFlush = 50_000;

    public sealed record Progress(long Cases, long TotalCases, long Rows);

    public sealed record Rebuilt(long Cases, long Events, long Rows, TimeSpan Took);

    public async Task<Rebuilt> RunAsync(IProgress<Progress>? progress, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var queues = KeepRollups.QueueIds(await catalog.GetAsync(cancellationToken));
        var total = await db.Cases.LongCountAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.MetricRollups.ExecuteDeleteAsync(cancellationToken);
        var deltas = new RollupDeltas();
        long done = 0, events = 0, rows = 0, lastId = 0;
        progress?.Report(new Progress(0, total, 0));
        while (true)
        {
            var cases = await db.Cases.AsNoTracking().Where(c => c.Id > lastId).OrderBy(c => c.Id).Take(CasesPerChunk).ToListAsync(cancellationToken);
            if (cases.Count == 0)
            {
                break;
            }

            var first = cases[0].Id;
            lastId = cases[^1].Id;
            var logs = (await db.CaseEvents.AsNoTracking().Where(e => e.CaseId >= first && e.CaseId <= lastId).ToListAsync(cancellationToken))
                .GroupBy(e => e.CaseId).ToDictionary(g => g.Key, g => g.OrderBy(e => e.At).ThenBy(e => e.Id).ToList());
            var targets = (await db.CaseTargets.AsNoTracking().Where(t => t.CaseId >= first && t.CaseId <= lastId && t.MetAt != null).ToListAsync(cancellationToken))
                .ToLookup(t => t.CaseId);
            foreach (var @case in cases)
            {
                var log = logs.GetValueOrDefault(@case.Id) ?? [];
                events += log.Count;
                deltas.AddHistory(@case, log, [.. targets[@case.Id]], queues);
            }

            done += cases.Count;
            if (deltas.Count >= RowsPerFlush)
            {
                rows += await FlushAsync(deltas, cancellationToken);
            }

            progress?.Report(new Progress(done, total, rows + deltas.Count));
        }

        await FlushAsync(deltas, cancellationToken);
        rows = await db.MetricRollups.LongCountAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        progress?.Report(new Progress(done, Math.Max(total, done), rows));
        return new Rebuilt(done, events, rows, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    // Rows flushed in separate passes add up (the upsert adds), so memory stays bounded whatever the history.
    private async Task<int> FlushAsync(RollupDeltas deltas, CancellationToken cancellationToken)
    {
        var count = deltas.Count;
        if (count == 0)
        {
            return 0;
        }

        db.AddToCounters(deltas.Rows);
        await db.SaveChangesAsync(cancellationToken);
        deltas.Clear();
        return count;
    }
}

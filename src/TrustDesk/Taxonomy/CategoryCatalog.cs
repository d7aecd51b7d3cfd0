using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Queues;

namespace TrustDesk.Taxonomy;

/// <summary>
/// Categories and queues read on every report: kept in memory and refreshed every minute, so intake never asks the
/// database for them.
/// </summary>
public sealed class CategoryCatalog(IServiceScopeFactory scopes, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _snapshot;

    public sealed record Snapshot(
        IReadOnlyDictionary<string, Category> Categories,
        IReadOnlyDictionary<string, Queue> QueuesByName,
        IReadOnlyDictionary<Guid, Queue> QueuesById,
        DateTimeOffset LoadedAt);

    public async Task<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        var current = _snapshot;
        if (current is not null && time.GetUtcNow() - current.LoadedAt < RefreshEvery)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is not null && time.GetUtcNow() - _snapshot.LoadedAt < RefreshEvery)
            {
                return _snapshot;
            }

            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            var categories = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, cancellationToken);
            var queues = await db.Queues.AsNoTracking().ToListAsync(cancellationToken);
            _snapshot = new Snapshot(
                categories,
                queues.ToDictionary(q => q.Name, StringComparer.Ordinal),
                queues.ToDictionary(q => q.Id),
                time.GetUtcNow());
            return _snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forget the snapshot after categories or queues change on this node.</summary>
    public void Invalidate() => _snapshot = null;

    public void Dispose() => _gate.Dispose();
}

using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Shifts;

/// <summary>
/// The queues that route, kept in memory: every case change asks, and almost always the answer is "not this queue", so it
/// must cost no query. Reloaded after a change on this node and at most <see cref="MaxAge"/> after one on another.
/// Also holds each round-robin queue's last pick (per node: with several nodes the turns interleave, still spreading
/// the work).
/// </summary>
public sealed class RoutingSettingsCache(IServiceScopeFactory scopes, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<Guid, string> _lastPick = new();
    private volatile Snapshot? _snapshot;

    public sealed record Snapshot(IReadOnlyDictionary<Guid, QueueRouting> Routed, DateTimeOffset LoadedAt);

    /// <summary>The queues whose mode is not pull-only, by queue id.</summary>
    public async Task<IReadOnlyDictionary<Guid, QueueRouting>> GetAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } current && time.GetUtcNow() - current.LoadedAt < MaxAge)
        {
            return current.Routed;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is { } again && time.GetUtcNow() - again.LoadedAt < MaxAge)
            {
                return again.Routed;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            var rows = await db.QueueRoutings.AsNoTracking().Where(r => r.Mode != RoutingMode.PullOnly).ToListAsync(cancellationToken);
            var snapshot = new Snapshot(rows.ToDictionary(r => r.QueueId), time.GetUtcNow());
            _snapshot = snapshot;
            return snapshot.Routed;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _snapshot = null;

    public void Dispose() => _gate.Dispose();

    public string? LastPick(Guid queueId) => _lastPick.GetValueOrDefault(queueId);

    public void Picked(Guid queueId, string email) => _lastPick[queueId] = email;
}

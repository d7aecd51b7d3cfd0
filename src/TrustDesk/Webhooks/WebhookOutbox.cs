using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Webhooks;

/// <summary>
/// Puts an event into the caller's unit of work: one delivery row per endpoint that wants it, saved by the caller's
/// SaveChanges with the change itself, so an event is never told without the change nor the change left untold.
/// The endpoints are cached for a few seconds (there are few and they rarely change), so the interceptor that adds
/// case.solved inside a save need not query.
/// </summary>
public sealed class WebhookOutbox(IServiceScopeFactory scopes, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (IReadOnlyList<WebhookEndpoint> Endpoints, DateTimeOffset LoadedAt)? _cache;

    /// <summary>Set after a commit that added deliveries: the dispatcher wakes on it.</summary>
    public event Action? Enqueued;

    public void Invalidate() => _cache = null;

    public void Dispose() => _gate.Dispose();

    public void NotifyEnqueued() => Enqueued?.Invoke();

    public async Task<IReadOnlyList<WebhookEndpoint>> EndpointsAsync(CancellationToken cancellationToken)
    {
        if (_cache is { } cache && time.GetUtcNow() - cache.LoadedAt < CacheFor)
        {
            return cache.Endpoints;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cache is { } again && time.GetUtcNow() - again.LoadedAt < CacheFor)
            {
                return again.Endpoints;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => e.DeletedAt == null).ToListAsync(cancellationToken);
            _cache = (endpoints, time.GetUtcNow());
            return endpoints;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Adds the deliveries of one event to <paramref name="db"/>; returns how many.</summary>
    public async Task<int> AddAsync(TrustDeskDb db, string eventType, object data, DateTime now, CancellationToken cancellationToken) =>
        Add(db, await EndpointsAsync(cancellationToken), eventType, data, now);

    /// <summary>The same with endpoints already in hand (inside a save, where no query may run).</summary>
    public static int Add(TrustDeskDb db, IReadOnlyList<WebhookEndpoint> endpoints, string eventType, object data, DateTime now)
    {
        var wanting = endpoints.Where(e => e.Wants(eventType)).ToList();
        if (wanting.Count == 0)
        {
            return 0;
        }

        // The Standard Webhooks envelope: type, timestamp, data.
        var payload = JsonSerializer.Serialize(new { type = eventType, timestamp = now.ToString("O"), data }, Json);
        foreach (var endpoint in wanting)
        {
            db.WebhookDeliveries.Add(new WebhookDelivery(endpoint.Id, eventType, payload, now));
        }

        return wanting.Count;
    }

    /// <summary>The endpoints as last cached, without waiting (empty until first loaded).</summary>
    public IReadOnlyList<WebhookEndpoint> CachedEndpoints() => _cache?.Endpoints ?? [];
}

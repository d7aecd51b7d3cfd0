using System.Threading.Channels;
using Microsoft.Extensions.Caching.Memory;

namespace TrustDesk.Access;

/// <summary>
/// Found API keys, kept for a short while so intake does not pay a query per request. A revoked key leaves the cache at
/// once on the node that revoked it, and on the other nodes as soon as they hear it (PostgreSQL LISTEN/NOTIFY,
/// <c>PostgresApiKeyRelay</c>). A key read from the database while a revocation was arriving is not cached: the
/// generation counter moves on every eviction, and a read that started before it is not stored.
/// </summary>
public sealed class ApiKeyCache(TimeProvider time) : IDisposable
{
    /// <summary>How long a found key is trusted without a query: the longest a revocation can take where no notice arrives.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public sealed record CachedKey(Guid Id, string Name, string[] Scopes);

    // Its own cache, so that emptying it touches nothing else.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());
    private readonly Lock _lock = new();

    // Bounded: on SQLite (one node) nobody reads it, and revocations are rare anyway.
    private readonly Channel<string> _revoked = Channel.CreateBounded<string>(new BoundedChannelOptions(1_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropOldest,
    });
    private long _generation;

    private static string Key(string hash) => "apikey:" + hash;

    /// <summary>Read before a database look-up, passed to <see cref="Store"/> after it.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(string hash, out CachedKey? key) => _cache.TryGetValue(Key(hash), out key) && key is not null;

    /// <summary>Keeps a key found in the database, unless something was evicted since <paramref name="generation"/>.</summary>
    public void Store(string hash, CachedKey key, long generation)
    {
        lock (_lock)
        {
            if (generation == _generation)
            {
                _cache.Set(Key(hash), key, time.GetUtcNow() + CacheFor);
            }
        }
    }

    /// <summary>Forgets one key (revoked here or on another node).</summary>
    public void Evict(string hash)
    {
        lock (_lock)
        {
            _generation++;
            _cache.Remove(Key(hash));
        }
    }

    /// <summary>Forgets every key: after a gap in hearing the other nodes, any of them may have revoked one meanwhile.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _generation++;
            _cache.Clear();
        }
    }

    /// <summary>A key was revoked on this node: forget it here, and tell the other nodes.</summary>
    public void Revoked(string hash)
    {
        Evict(hash);
        _revoked.Writer.TryWrite(hash);
    }

    /// <summary>Hashes revoked on this node, for the relay to send on (one reader).</summary>
    public ChannelReader<string> RevokedHere => _revoked.Reader;

    public void Dispose() => _cache.Dispose();
}

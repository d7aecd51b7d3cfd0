using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.Access;

/// <summary>
/// Carries API-key revocations between nodes that share one PostgreSQL, so a key revoked on one node stops on all of
/// them at once, not when their cache entries expire. The payload is <c>node:hash</c> (the stored SHA-256, not the
/// secret). A node that lost its listening connection may have missed notes, so it empties its cache when it listens
/// again. Does nothing on SQLite (one node, which evicts in-process).
/// </summary>
public sealed class PostgresApiKeyRelay(
    ApiKeyCache cache, IOptions<DatabaseOptions> database, IConfiguration configuration, ILogger<PostgresApiKeyRelay> logger)
    : PostgresNodeRelay(Channel, database, configuration, logger)
{
    public const string Channel = "trustdesk_api_key_revocations";

    protected override async Task SendAsync(string connectionString, CancellationToken stoppingToken)
    {
        try
        {
            while (await cache.RevokedHere.WaitToReadAsync(stoppingToken))
            {
                var payloads = new List<string>();
                while (cache.RevokedHere.TryRead(out var hash))
                {
                    payloads.Add(Node + ":" + hash);
                }

                await NotifyAsync(connectionString, payloads, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    protected override void OnListening() => cache.Clear();

    protected override void Receive(string payload)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && !payload.AsSpan(0, colon).SequenceEqual(Node))
        {
            cache.Evict(payload[(colon + 1)..]);
        }
    }
}

public static class ApiKeyRevocationServices
{
    /// <summary>The API-key cache, and its relay between nodes on PostgreSQL.</summary>
    public static IServiceCollection AddApiKeyRevocation(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<PostgresApiKeyRelay>();
        services.AddHostedService(provider => provider.GetRequiredService<PostgresApiKeyRelay>());
        return services;
    }
}

using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TrustDesk.Chat;

/// <summary>
/// Per-visitor and per-IP budgets for messages, and per-IP for new sessions (a script opening sessions to flood the
/// crisis queue). Token buckets in memory, per node: a flood spread over nodes gets each node's budget, which is still
/// bounded.
/// </summary>
public sealed class ChatRateLimits(IOptionsMonitor<ChatOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
    {
        var settings = options.CurrentValue;
        var perMinute = key[0] switch
        {
            'v' => settings.MessagesPerMinutePerVisitor,
            'i' => settings.MessagesPerMinutePerIp,
            _ => Math.Max(1, settings.SessionsPerHourPerIp / 60.0),
        };
        var limit = key[0] == 's' ? settings.SessionsPerHourPerIp : (int)perMinute;
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, limit),
            TokensPerPeriod = Math.Max(1, key[0] == 's' ? (int)Math.Ceiling(limit / 60.0) : (int)Math.Ceiling(perMinute / 6.0)),
            ReplenishmentPeriod = key[0] == 's' ? TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(10),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    });

    public bool TryMessage(Guid sessionId, string? ip)
    {
        using var visitor = _limiter.AttemptAcquire("v" + sessionId.ToString("N"));
        if (!visitor.IsAcquired)
        {
            return false;
        }

        using var address = _limiter.AttemptAcquire("i" + (ip ?? "?"));
        return address.IsAcquired;
    }

    public bool TrySession(string? ip)
    {
        using var lease = _limiter.AttemptAcquire("s" + (ip ?? "?"));
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}

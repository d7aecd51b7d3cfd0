using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace TrustDesk.Identity;

/// <summary>
/// Fixed windows of sign-in attempts per client IP, against <see cref="TimeProvider"/>. Per-account guessing is
/// stopped by lock-out; this stops one address from spraying many accounts. Per node: several nodes each allow the
/// budget, which still bounds an attacker.
/// </summary>
public sealed class SignInRateLimiter(IOptions<IdentitySettings> settings, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Count;
    }

    /// <summary>Counts an attempt; false with the time to wait when the address has used its budget.</summary>
    public bool TryAcquire(string? ip, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        var length = settings.Value.SignInRateWindow;
        var window = _windows.AddOrUpdate(ip ?? "unknown", _ => new Window(now), (_, current) => now - current.Start >= length ? new Window(now) : current);
        if (Interlocked.Increment(ref window.Count) <= settings.Value.SignInAttemptsPerIp)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = window.Start + length - now;
        if (_windows.Count > 100_000)
        {
            foreach (var stale in _windows.Where(w => now - w.Value.Start >= length).Select(w => w.Key).ToList())
            {
                _windows.TryRemove(stale, out _);
            }
        }

        return false;
    }
}

using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using TrustDesk.Api;

namespace TrustDesk.Identity;

/// <summary>What a step-up check guards; each has its own budget.</summary>
public enum StepUp
{
    /// <summary>Checks of a secret the caller must know: the current password on a change, an MFA code.</summary>
    Credential,

    /// <summary>Seeing personal data in clear, with a reason.</summary>
    Reveal,
}

/// <summary>Budgets of step-up checks, under <c>TrustDesk:Identity</c> beside the sign-in ones.</summary>
public sealed class StepUpSettings
{
    /// <summary>Password and MFA-code checks one account may make per <see cref="StepUpWindow"/>.</summary>
    public int StepUpAttemptsPerAccount { get; set; } = 10;

    /// <summary>The same, per client IP address (many accounts from one address).</summary>
    public int StepUpAttemptsPerIp { get; set; } = 30;

    /// <summary>Reveals of personal data one account may make per window: a day's work fits, a bulk harvest does not.</summary>
    public int RevealsPerAccount { get; set; } = 60;

    public int RevealsPerIp { get; set; } = 200;

    public TimeSpan StepUpWindow { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Fixed windows of step-up checks per account and per client IP, like <see cref="SignInRateLimiter"/> for sign-in: a
/// stolen session cannot guess the account's password through the password change, nor harvest personal data through
/// reveals, at any speed. Wrong passwords also count towards the account's lock-out (<see cref="ManageAccount"/>),
/// which is in the database and holds across nodes; these windows are per node.
/// </summary>
public sealed class StepUpThrottle(IOptions<StepUpSettings> settings, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Count;
    }

    /// <summary>Counts one check by <paramref name="caller"/> from <paramref name="ip"/>; throws when either budget is spent.</summary>
    public void Acquire(StepUp kind, ClaimsPrincipal caller, string? ip)
    {
        var options = settings.Value;
        var (perAccount, perIp) = kind == StepUp.Credential
            ? (options.StepUpAttemptsPerAccount, options.StepUpAttemptsPerIp)
            : (options.RevealsPerAccount, options.RevealsPerIp);
        var account = caller.FindFirstValue(Caller.ClientIdClaim) ?? "anonymous";
        var retryAccount = Count($"{kind}:account:{account}", perAccount);
        var retryIp = Count($"{kind}:ip:{ip ?? "unknown"}", perIp);
        var retry = retryAccount > retryIp ? retryAccount : retryIp;
        if (retry > TimeSpan.Zero)
        {
            throw new StepUpThrottledException(retry, kind == StepUp.Credential
                ? "Too many password or code checks. Wait for the time in Retry-After, then try again."
                : "Too many reveals of personal data. Wait for the time in Retry-After, then try again.");
        }
    }

    // Zero while within budget, else the time until the window ends.
    private TimeSpan Count(string key, int budget)
    {
        var now = time.GetUtcNow();
        var length = settings.Value.StepUpWindow;
        var window = _windows.AddOrUpdate(key, _ => new Window(now), (_, current) => now - current.Start >= length ? new Window(now) : current);
        if (Interlocked.Increment(ref window.Count) <= budget)
        {
            return TimeSpan.Zero;
        }

        if (_windows.Count > 100_000)
        {
            foreach (var stale in _windows.Where(w => now - w.Value.Start >= length).Select(w => w.Key).ToList())
            {
                _windows.TryRemove(stale, out _);
            }
        }

        return window.Start + length - now;
    }
}

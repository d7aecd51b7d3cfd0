namespace TrustDesk.Cases;

/// <summary>
/// How a use case that lost a race on a case's version waits before it applies its change again to the case as it is
/// now: growing pauses with jitter (5, 10, 20... ms, at most 200), so the writers of one busy case do not collide in step.
/// </summary>
internal static class CaseConflicts
{
    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(200, 5 * Math.Pow(2, attempt - 1)) * (0.5 + Random.Shared.NextDouble()));
}

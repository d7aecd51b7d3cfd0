namespace TrustDesk.Api;

/// <summary>Too many step-up checks: wait <see cref="RetryAfter"/>. The API answers 429 with <c>Retry-After</c>.</summary>
public sealed class StepUpThrottledException(TimeSpan retryAfter, string message) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter;
}

using System.Collections.Concurrent;

namespace TrustDesk.AgentConsole;

/// <summary>Someone with a case open: typing when they wrote in the composer in the last few seconds.</summary>
public sealed record Viewer(string ConnectionId, string Name, bool Typing);

/// <summary>
/// Who has which case open and who is typing, so two agents see each other before they collide. In memory, per node:
/// presence is lost on restart and that is fine.
/// </summary>
public sealed class CasePresence(TimeProvider time)
{
    public static readonly TimeSpan TypingLasts = TimeSpan.FromSeconds(6);

    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, (string Name, DateTimeOffset? TypingAt)>> _cases = new();

    public event Action<long>? Changed;

    public void Join(long caseId, string connectionId, string name)
    {
        _cases.GetOrAdd(caseId, _ => new())[connectionId] = (name, null);
        Raise(caseId);
    }

    public void Leave(long caseId, string connectionId)
    {
        if (_cases.TryGetValue(caseId, out var viewers) && viewers.TryRemove(connectionId, out _))
        {
            Raise(caseId);
        }
    }

    /// <summary>Returns true when this changed what others see (started typing), so callers can throttle.</summary>
    public bool Typing(long caseId, string connectionId)
    {
        if (!_cases.TryGetValue(caseId, out var viewers) || !viewers.TryGetValue(connectionId, out var viewer))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var wasTyping = viewer.TypingAt is { } at && now - at < TypingLasts;
        viewers[connectionId] = (viewer.Name, now);
        if (!wasTyping)
        {
            Raise(caseId);
        }

        return !wasTyping;
    }

    public void StoppedTyping(long caseId, string connectionId)
    {
        if (_cases.TryGetValue(caseId, out var viewers) && viewers.TryGetValue(connectionId, out var viewer) && viewer.TypingAt is not null)
        {
            viewers[connectionId] = (viewer.Name, null);
            Raise(caseId);
        }
    }

    public IReadOnlyList<Viewer> Of(long caseId)
    {
        if (!_cases.TryGetValue(caseId, out var viewers))
        {
            return [];
        }

        var now = time.GetUtcNow();
        return viewers.Select(v => new Viewer(v.Key, v.Value.Name, v.Value.TypingAt is { } at && now - at < TypingLasts))
            .OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
    }

    private void Raise(long caseId)
    {
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<long>)handler)(caseId);
            }
            catch (ObjectDisposedException)
            {
                // A circuit that closed meanwhile.
            }
        }
    }
}

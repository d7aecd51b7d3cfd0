using System.Collections.Concurrent;
using System.Threading.Channels;

namespace TrustDesk.AgentConsole;

/// <summary>Someone with a case open: typing when they wrote in the composer in the last few seconds.</summary>
public sealed record Viewer(string ConnectionId, string Name, bool Typing);

/// <summary>
/// Who has which case open and who is typing, so two agents see each other before they collide. Kept in memory: presence
/// is lost on restart and that is fine. With PostgreSQL, <see cref="PostgresPresenceRelay"/> tells the other nodes who is
/// here and brings theirs; another node's viewers expire unless that node refreshes them, so a node that dies leaves no
/// ghosts. Only a case page that already passed the viewer's access check asks <see cref="Of"/>, so presence never says
/// to anyone that a case they may not see exists.
/// </summary>
public sealed class CasePresence(TimeProvider time)
{
    public static readonly TimeSpan TypingLasts = TimeSpan.FromSeconds(6);

    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, LocalViewer>> _cases = new();
    private readonly ConcurrentDictionary<(string Node, long CaseId), RemoteViewers> _remote = new();
    private Channel<long>? _toOtherNodes;

    /// <summary>A viewer on this node; <c>AnnouncedAt</c>: when other nodes were last told they type.</summary>
    private readonly record struct LocalViewer(string Name, DateTimeOffset? TypingAt, DateTimeOffset? AnnouncedAt);

    /// <summary>Viewers on another node as it last told us, until it fails to refresh them.</summary>
    private sealed record RemoteViewers(IReadOnlyList<(string ConnectionId, string Name, DateTimeOffset? TypingAt)> Viewers, DateTimeOffset ExpiresAt);

    public event Action<long>? Changed;

    public void Join(long caseId, string connectionId, string name)
    {
        _cases.GetOrAdd(caseId, _ => new())[connectionId] = new LocalViewer(name, null, null);
        RaiseLocal(caseId);
    }

    public void Leave(long caseId, string connectionId)
    {
        if (_cases.TryGetValue(caseId, out var viewers) && viewers.TryRemove(connectionId, out _))
        {
            RaiseLocal(caseId);
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
        var wasTyping = IsTyping(viewer.TypingAt, now);
        // Other nodes let typing fade after TypingLasts from when they heard of it: someone who keeps typing is told again halfway.
        var tellAgain = wasTyping && (viewer.AnnouncedAt is not { } announced || now - announced >= TypingLasts / 2);
        viewers[connectionId] = new LocalViewer(viewer.Name, now, !wasTyping || tellAgain ? now : viewer.AnnouncedAt);
        if (!wasTyping)
        {
            RaiseLocal(caseId);
        }
        else if (tellAgain)
        {
            _toOtherNodes?.Writer.TryWrite(caseId);
        }

        return !wasTyping;
    }

    public void StoppedTyping(long caseId, string connectionId)
    {
        if (_cases.TryGetValue(caseId, out var viewers) && viewers.TryGetValue(connectionId, out var viewer) && viewer.TypingAt is not null)
        {
            viewers[connectionId] = viewer with { TypingAt = null, AnnouncedAt = null };
            RaiseLocal(caseId);
        }
    }

    /// <summary>Everyone on the case, on this node and (unexpired) on the others. Callers must have checked the case is visible to their user.</summary>
    public IReadOnlyList<Viewer> Of(long caseId)
    {
        var now = time.GetUtcNow();
        var all = new List<Viewer>();
        if (_cases.TryGetValue(caseId, out var viewers))
        {
            all.AddRange(viewers.Select(v => new Viewer(v.Key, v.Value.Name, IsTyping(v.Value.TypingAt, now))));
        }

        foreach (var ((node, id), remote) in _remote)
        {
            if (id == caseId && remote.ExpiresAt > now)
            {
                // Prefixed with the node: connection ids are only unique per node.
                all.AddRange(remote.Viewers.Select(v => new Viewer($"{node}/{v.ConnectionId}", v.Name, IsTyping(v.TypingAt, now))));
            }
        }

        return all.OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>This node's viewers of a case, as told to the other nodes.</summary>
    public IReadOnlyList<Viewer> LocalOf(long caseId)
    {
        if (!_cases.TryGetValue(caseId, out var viewers))
        {
            return [];
        }

        var now = time.GetUtcNow();
        return viewers.Select(v => new Viewer(v.Key, v.Value.Name, IsTyping(v.Value.TypingAt, now))).ToList();
    }

    /// <summary>Cases someone on this node has open (refreshed to the other nodes before their entries expire).</summary>
    public IReadOnlyList<long> LocalCases() => _cases.Where(c => !c.Value.IsEmpty).Select(c => c.Key).ToList();

    /// <summary>What <paramref name="node"/> says its viewers of a case are now (none: they all left). Lasts until <paramref name="expiresAt"/>.</summary>
    public void ApplyRemote(string node, long caseId, IReadOnlyList<Viewer> viewers, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        var before = _remote.TryGetValue((node, caseId), out var earlier) && earlier.ExpiresAt > now ? earlier.Viewers : [];
        if (viewers.Count == 0)
        {
            _remote.TryRemove((node, caseId), out _);
        }
        else
        {
            // Typing is taken as of now: it then fades after TypingLasts like a local one, unless the other node says it goes on.
            _remote[(node, caseId)] = new RemoteViewers(
                [.. viewers.Select(v => (v.ConnectionId, v.Name, v.Typing ? now : (DateTimeOffset?)null))], expiresAt);
        }

        // A refresh that changes nothing does not make every open page render again.
        var same = before.Count == viewers.Count
            && before.Zip(viewers).All(p => p.First.ConnectionId == p.Second.ConnectionId && p.First.Name == p.Second.Name
                && IsTyping(p.First.TypingAt, now) == p.Second.Typing);
        if (!same)
        {
            Raise(caseId);
        }
    }

    /// <summary>Drops other nodes' viewers that were not refreshed in time (the node died or lost the database), so open pages stop showing them.</summary>
    public void ExpireRemote()
    {
        var now = time.GetUtcNow();
        foreach (var (key, remote) in _remote)
        {
            if (remote.ExpiresAt <= now && _remote.TryRemove(new KeyValuePair<(string, long), RemoteViewers>(key, remote)))
            {
                Raise(key.CaseId);
            }
        }
    }

    /// <summary>Cases whose viewers on this node changed, from now on, for the relay. Bounded: a relay that cannot keep up drops the oldest (the next refresh repairs it).</summary>
    internal ChannelReader<long> RelayToOtherNodes()
    {
        _toOtherNodes ??= Channel.CreateBounded<long>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        return _toOtherNodes.Reader;
    }

    private static bool IsTyping(DateTimeOffset? typingAt, DateTimeOffset now) => typingAt is { } at && now - at < TypingLasts;

    private void RaiseLocal(long caseId)
    {
        Raise(caseId);
        _toOtherNodes?.Writer.TryWrite(caseId);
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

using System.Collections.Concurrent;
using System.Threading.Channels;

namespace TrustDesk.Chat;

/// <summary>What wakes a conversation's open streams: stored events up to <see cref="Seq"/>, or someone typing.</summary>
public readonly record struct ChatSignal(long Seq, string? TypingFrom = null, string? TypingName = null);

/// <summary>
/// Wakes the streams open on this node (visitors' SSE and WebSocket connections, agents' console pages) when a
/// conversation has something new. A signal carries no message: a woken stream reads the stored events after the last
/// one it sent, so a missed or doubled signal costs a query, never a message. With PostgreSQL,
/// <see cref="PostgresChatRelay"/> carries this node's signals to the other nodes.
/// </summary>
public sealed class ChatHub
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Listener, byte>> _listeners = new();
    private Channel<(Guid Session, ChatSignal Signal)>? _toOtherNodes;

    /// <summary>Any conversation changed (the console's live chat list listens).</summary>
    public event Action<Guid>? AnyChanged;

    public Listener Listen(Guid sessionId)
    {
        var listener = new Listener(this, sessionId);
        _listeners.GetOrAdd(sessionId, _ => new()).TryAdd(listener, 0);
        return listener;
    }

    /// <summary>This node committed events up to the signal's seq, or someone here is typing.</summary>
    public void Publish(Guid sessionId, ChatSignal signal)
    {
        Deliver(sessionId, signal);
        _toOtherNodes?.Writer.TryWrite((sessionId, signal));
    }

    /// <summary>A signal for this node's streams, from this node or another.</summary>
    public void Deliver(Guid sessionId, ChatSignal signal)
    {
        if (_listeners.TryGetValue(sessionId, out var listeners))
        {
            foreach (var listener in listeners.Keys)
            {
                listener.Signals.Writer.TryWrite(signal);
            }
        }

        if (signal.TypingFrom is null)
        {
            AnyChanged?.Invoke(sessionId);
        }
    }

    /// <summary>Listeners open on this node (the bench and health checks read it).</summary>
    public int ListenerCount => _listeners.Values.Sum(l => l.Count);

    internal ChannelReader<(Guid Session, ChatSignal Signal)> RelayToOtherNodes()
    {
        _toOtherNodes ??= Channel.CreateBounded<(Guid, ChatSignal)>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        return _toOtherNodes.Reader;
    }

    private void Remove(Listener listener)
    {
        if (_listeners.TryGetValue(listener.SessionId, out var listeners))
        {
            listeners.TryRemove(listener, out _);
            if (listeners.IsEmpty)
            {
                _listeners.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<Listener, byte>>(listener.SessionId, listeners));
            }
        }
    }

    public sealed class Listener(ChatHub hub, Guid sessionId) : IDisposable
    {
        public Guid SessionId { get; } = sessionId;

        /// <summary>Bounded: a stream that stops reading loses signals, not memory (it re-reads from its last seq anyway).</summary>
        public Channel<ChatSignal> Signals { get; } = Channel.CreateBounded<ChatSignal>(new BoundedChannelOptions(64)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });

        public void Dispose() => hub.Remove(this);
    }
}

using System.Collections.Concurrent;

namespace TrustDesk.Chat;

/// <summary>
/// Agents on shift for chat: those with the console's live chat list open, seen within the last minute. In-process:
/// each node knows the agents connected to it, which is what decides whether a visitor here gets "no agent is
/// available" (with several nodes an agent on another node is not counted; the visitor is then told the chat continues
/// by email, and the agent still sees and can answer the chat).
/// </summary>
public sealed class ChatAgents(TimeProvider time)
{
    private static readonly TimeSpan SeenWithin = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (string Name, DateTimeOffset SeenAt)> _agents = new(StringComparer.Ordinal);

    public void Seen(string agentId, string name) => _agents[agentId] = (name, time.GetUtcNow());

    public void Left(string agentId) => _agents.TryRemove(agentId, out _);

    public int OnShift
    {
        get
        {
            var since = time.GetUtcNow() - SeenWithin;
            return _agents.Values.Count(a => a.SeenAt >= since);
        }
    }
}

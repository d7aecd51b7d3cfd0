using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Chat;

/// <summary>A read receipt: the reader (visitor or agent) has seen the conversation up to <c>seq</c>.</summary>
public sealed record MarkChatReadRequest(long? Seq);

/// <summary>
/// Stores a read receipt as an event of the conversation (so the other side sees it even after reconnecting). A receipt
/// that reads nothing new, e.g. the same one sent twice, stores nothing.
/// </summary>
public sealed class MarkChatRead(TrustDeskDb db, ChatHub hub, TimeProvider time)
{
    /// <returns>The receipt's seq, 0 when nothing new was read, or null when <paramref name="upTo"/> is past the end.</returns>
    public async Task<long?> HandleAsync(Guid sessionId, string from, string? readerName, long upTo, CancellationToken cancellationToken)
    {
        var stored = await ChatEvents.SaveWithRetryAsync(db, async () =>
        {
            var last = await db.ChatEvents.Where(e => e.SessionId == sessionId).MaxAsync(e => (long?)e.Seq, cancellationToken) ?? 0;
            if (upTo < 0 || upTo > last)
            {
                return (long?)null;
            }

            var readBefore = await db.ChatEvents.Where(e => e.SessionId == sessionId && e.Type == ChatEvent.ReadType && e.From == from)
                .MaxAsync(e => e.ReadUpTo, cancellationToken) ?? 0;
            var otherSide = await db.ChatEvents.AnyAsync(e => e.SessionId == sessionId && e.Seq > readBefore && e.Seq <= upTo
                && e.Type != ChatEvent.ReadType && e.From != from, cancellationToken);
            if (!otherSide)
            {
                return 0;
            }

            var seq = last + 1;
            db.ChatEvents.Add(new ChatEvent(sessionId, seq, ChatEvent.ReadType, from, null, readerName, null, null, upTo, time.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync(cancellationToken);
            return seq;
        }, cancellationToken);
        if (stored is > 0)
        {
            hub.Publish(sessionId, new ChatSignal(stored.Value));
        }

        return stored;
    }
}

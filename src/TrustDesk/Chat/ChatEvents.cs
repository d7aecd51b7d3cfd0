using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Chat;

/// <summary>An event as clients see it (SSE <c>data</c>, WebSocket frames, the console).</summary>
public sealed record ChatEventView(long Seq, string Type, string From, string? Text, string? AuthorName, string? ClientMessageId,
    long? ReadUpTo, DateTime? CreatedAt, long? CaseId = null);

/// <summary>Reading and appending a conversation's events.</summary>
public static class ChatEvents
{
    public const int PageSize = 200;

    public static ChatEventView ToView(ChatEvent e) =>
        new(e.Seq, e.Type, e.From, e.Text, e.AuthorName, e.ClientMessageId, e.ReadUpTo, e.CreatedAt);

    /// <summary>Events after <paramref name="afterSeq"/>, oldest first.</summary>
    public static Task<List<ChatEvent>> AfterAsync(TrustDeskDb db, Guid sessionId, long afterSeq, CancellationToken cancellationToken) =>
        db.ChatEvents.AsNoTracking()
            .Where(e => e.SessionId == sessionId && e.Seq > afterSeq)
            .OrderBy(e => e.Seq)
            .Take(PageSize)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// The next sequence number. Two writers may pick the same one (another node, the reply dispatcher); the key
    /// refuses the second, which starts over (<see cref="SaveWithRetryAsync"/>). Committed numbers therefore have no gaps
    /// and appear in order, so a stream that read up to n never misses n+1.
    /// </summary>
    public static async Task<long> NextSeqAsync(TrustDeskDb db, Guid sessionId, CancellationToken cancellationToken)
    {
        var last = await db.ChatEvents.Where(e => e.SessionId == sessionId).MaxAsync(e => (long?)e.Seq, cancellationToken) ?? 0;
        var pending = db.ChangeTracker.Entries<ChatEvent>().Where(e => e.State == EntityState.Added && e.Entity.SessionId == sessionId)
            .Select(e => e.Entity.Seq).DefaultIfEmpty(0).Max();
        return Math.Max(last, pending) + 1;
    }

    /// <summary>Runs <paramref name="attempt"/> (which adds and saves) again on a clean context when another writer took its number.</summary>
    public static async Task<T> SaveWithRetryAsync<T>(TrustDeskDb db, Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await attempt();
            }
            // DbException: SQLite answers "database is locked" when its one writer stays busy past the timeout.
            catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException && tries < 8)
            {
                db.ChangeTracker.Clear();
                await Task.Delay(Random.Shared.Next(1, 5 * tries), cancellationToken);
            }
        }
    }
}

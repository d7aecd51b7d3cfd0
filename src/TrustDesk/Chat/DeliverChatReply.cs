using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Chat;

/// <summary>
/// The chat's <see cref="IReplyChannel"/>: an agent's reply on a chat case (through <c>POST /api/v1/cases/{id}/messages</c>
/// or the console) is committed as a queued message in the agent's own transaction, and <see cref="DispatchChatReplies"/>
/// then gives it the conversation's next seq. A separate step because the seq is taken by whoever commits first: done
/// in the agent's transaction, a visitor's message at the same instant would fail the agent's request.
/// </summary>
public sealed class DeliverChatReply(DispatchChatReplies dispatcher) : IReplyChannel
{
    private readonly List<Guid> _queued = [];

    public Channel Channel => Channel.Chat;

    public string? NewExternalId() => null;

    public async Task EnqueueAsync(TrustDeskDb db, Case @case, Message message, DateTime now, CancellationToken cancellationToken)
    {
        if (!await db.ChatSessions.AnyAsync(s => s.CaseId == @case.Id, cancellationToken))
        {
            @case.RecordDeliveryFailure(message, "The case has no chat conversation to answer.", Actor.System, now);
            return;
        }

        message.MarkQueued();
        _queued.Add(message.Id);
    }

    public void Delivered()
    {
        foreach (var id in _queued)
        {
            dispatcher.Enqueue(id);
        }

        _queued.Clear();
    }
}

/// <summary>
/// Turns queued agent replies into conversation events: at once when this node queued them, and by a sweep at start and
/// every few seconds for replies queued by a node that stopped before dispatching (nothing an agent sent is lost). The
/// events are written by the <see cref="ChatWriter"/>, in the group commit of whatever else arrived meanwhile. Two nodes
/// dispatching the same reply collide on the event's unique message id, so it is shown once.
/// </summary>
public sealed class DispatchChatReplies(IServiceScopeFactory scopes, ChatWriter writer, TimeProvider time, ILogger<DispatchChatReplies> logger) : BackgroundService
{
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);

    public void Enqueue(Guid messageId) => writer.Enqueue(new ChatReplyWork(messageId));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
                var cutoff = time.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(5);
                var queued = await db.Messages.AsNoTracking()
                    .Where(m => m.Channel == Channel.Chat && m.Direction == MessageDirection.Outbound && m.DeliveryState == Message.Queued && m.CreatedAt < cutoff)
                    .Select(m => m.Id).Take(500).ToListAsync(stoppingToken);
                foreach (var id in queued)
                {
                    Enqueue(id);
                }

                await Task.Delay(SweepEvery, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                logger.LogWarning(e, "Sweeping queued chat replies failed");
                await Task.Delay(SweepEvery, time, stoppingToken);
            }
        }
    }

    /// <summary>Visitors see an agent's first name only: enough to feel answered by a person, not enough to find them.</summary>
    public static string FirstName(string name)
    {
        var trimmed = name.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        var first = space > 0 ? trimmed[..space] : trimmed;
        var at = first.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? first[..at] : first;
    }
}

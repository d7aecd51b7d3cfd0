using WorkChannel = System.Threading.Channels.Channel;
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
/// every few seconds for replies queued by a node that stopped before dispatching (nothing an agent sent is lost). Two
/// nodes dispatching the same reply collide on the event's unique message id, so it is shown once.
/// </summary>
public sealed class DispatchChatReplies(IServiceScopeFactory scopes, ChatHub hub, TimeProvider time, ILogger<DispatchChatReplies> logger) : BackgroundService
{
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);
    private readonly System.Threading.Channels.Channel<Guid> _work = WorkChannel.CreateUnbounded<Guid>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(Guid messageId) => _work.Writer.TryWrite(messageId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweep = SweepAsync(stoppingToken);
        try
        {
            await foreach (var id in _work.Reader.ReadAllAsync(stoppingToken))
            {
                await DispatchOneAsync(id, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await sweep;
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
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

    private async Task DispatchOneAsync(Guid messageId, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            var result = await ChatEvents.SaveWithRetryAsync(db, async () =>
            {
                var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == messageId, stoppingToken);
                if (message is null || message.DeliveryState != Message.Queued)
                {
                    return ((Guid, long)?)null;
                }

                var session = await db.ChatSessions.AsNoTracking().Where(s => s.CaseId == message.CaseId)
                    .OrderByDescending(s => s.UpdatedAt).FirstOrDefaultAsync(stoppingToken);
                if (session is null)
                {
                    message.MarkFailed("The case has no chat conversation to answer.");
                    await db.SaveChangesAsync(stoppingToken);
                    return null;
                }

                var seq = await ChatEvents.NextSeqAsync(db, session.Id, stoppingToken);
                db.ChatEvents.Add(new ChatEvent(session.Id, seq, ChatEvent.MessageType, ChatEvent.FromAgent, message.Text, FirstName(message.AuthorName),
                    null, message.Id, null, time.GetUtcNow().UtcDateTime));
                message.MarkSent();
                await db.SaveChangesAsync(stoppingToken);
                return (session.Id, seq);
            }, stoppingToken);
            if (result is { } delivered)
            {
                hub.Publish(delivered.Item1, new ChatSignal(delivered.Item2));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Left queued: the sweep tries again.
            logger.LogWarning(e, "Delivering chat reply {MessageId} failed", messageId);
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

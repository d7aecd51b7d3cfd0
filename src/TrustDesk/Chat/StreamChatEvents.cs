using System.Text.Json;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Chat;

/// <summary>
/// Feeds one open connection (SSE or WebSocket) the conversation's events after the last one it has, and typing as it
/// happens. Listens before it reads, so an event committed between the read and the wait still wakes it; re-reads the
/// database at each heartbeat too, so even a lost notification only delays an event. Events go out in seq order, each
/// once per connection: a client that resumes from the last seq it saw gets what it missed, never twice.
/// </summary>
public sealed class StreamChatEvents(TrustDeskDb db, ChatHub hub)
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static string Json(ChatEventView view) => JsonSerializer.Serialize(view, JsonOptions.Api);

    /// <param name="from">Whose stream this is (<c>visitor</c> or <c>agent</c>): their own typing is not echoed.</param>
    public async Task RunAsync(Guid sessionId, long afterSeq, string from, Func<ChatEventView, bool, Task> send, Func<Task> heartbeat,
        CancellationToken cancellationToken)
    {
        using var listener = hub.Listen(sessionId);
        var last = afterSeq;
        while (!cancellationToken.IsCancellationRequested)
        {
            List<ChatEvent> page;
            do
            {
                page = await ChatEvents.AfterAsync(db, sessionId, last, cancellationToken);
                foreach (var e in page)
                {
                    await send(ChatEvents.ToView(e), true);
                    last = e.Seq;
                }
            }
            while (page.Count == ChatEvents.PageSize);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Heartbeat);
            try
            {
                var woken = false;
                while (!woken && await listener.Signals.Reader.WaitToReadAsync(timeout.Token))
                {
                    while (listener.Signals.Reader.TryRead(out var signal))
                    {
                        if (signal.TypingFrom is { } typist)
                        {
                            if (typist != from)
                            {
                                await send(new ChatEventView(last, ChatEvent.TypingType, typist, null, signal.TypingName, null, null, null), false);
                            }
                        }
                        else if (signal.Seq > last)
                        {
                            woken = true;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await heartbeat();
            }
        }
    }
}

using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Chat;

/// <summary>
/// The widget's first choice of transport. Browsers cannot put a bearer header on a WebSocket, so the first frame
/// authenticates (<c>{"type":"auth","token":"...","after":n}</c>), which also keeps the token out of URLs and logs. The
/// server then sends the same event JSON as the SSE stream; the client sends <c>message</c>, <c>typing</c> and
/// <c>read</c> frames, answered by <c>ack</c> (with the seq) or <c>error</c>. Messages go through the same
/// <see cref="PostChatMessage"/> as the HTTP API.
/// </summary>
public static class ChatWebSocket
{
    public const int MaxFrameBytes = 64 * 1024;

    private sealed record ClientFrame(string? Type, string? Token, long? After, string? Text, string? ClientMessageId, long? Seq);

    public static async Task HandleAsync(Guid sessionId, HttpContext context, TrustDeskDb db, StreamChatEvents stream, ChatHub hub, ChatRateLimits limits,
        IServiceScopeFactory scopes, IOptionsMonitor<ChatOptions> options)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Connect with a WebSocket, or use /events with /messages.").ExecuteAsync(context);
            return;
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !SameHost(origin, context.Request) && !options.CurrentValue.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "This origin may not embed the chat.").ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var aborted = context.RequestAborted;
        var first = await ReceiveAsync(socket, aborted);
        if (first?.Type != "auth" || await ChatVisitors.FindAsync(db, sessionId, first.Token, tracked: false, aborted) is not { } session)
        {
            // The same answer for a wrong token and another visitor's session: nothing tells them apart.
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "not found", CancellationToken.None);
            return;
        }

        var token = first.Token!;
        using var sending = new SemaphoreSlim(1, 1);
        async Task SendAsync(object frame)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, JsonOptions.Api);
            await sending.WaitAsync(aborted);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, aborted);
            }
            finally
            {
                sending.Release();
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var outgoing = stream.RunAsync(sessionId, Math.Max(0, first.After ?? 0), ChatEvent.FromVisitor, (e, _) => SendAsync(e),
            () => SendAsync(new { type = "ping" }), stop.Token);
        try
        {
            while (socket.State == WebSocketState.Open && await ReceiveAsync(socket, aborted) is { } frame)
            {
                switch (frame.Type)
                {
                    case "message":
                        if (!limits.TryMessage(sessionId, context.Connection.RemoteIpAddress?.ToString()))
                        {
                            await SendAsync(new { type = "error", frame.ClientMessageId, status = 429, title = "Too many messages; wait a moment." });
                            break;
                        }

                        // A scope per message, as a request would have: the stream keeps its own context.
                        await using (var scope = scopes.CreateAsyncScope())
                        {
                            var result = await scope.ServiceProvider.GetRequiredService<PostChatMessage>()
                                .HandleAsync(sessionId, token, new PostChatMessageRequest(frame.Text, frame.ClientMessageId), aborted);
                            await SendAsync(result switch
                            {
                                PostChatMessage.Posted posted => new { type = "ack", posted.Message.ClientMessageId, posted.Message.Seq, posted.Message.CaseId },
                                PostChatMessage.Invalid invalid => (object)new { type = "error", frame.ClientMessageId, status = 400, errors = invalid.Errors },
                                _ => new { type = "error", frame.ClientMessageId, status = 404 },
                            });
                        }

                        break;
                    case "typing":
                        hub.Publish(sessionId, new ChatSignal(0, ChatEvent.FromVisitor, session.VisitorName));
                        break;
                    case "read" when frame.Seq is { } seq:
                        await using (var scope = scopes.CreateAsyncScope())
                        {
                            await scope.ServiceProvider.GetRequiredService<MarkChatRead>().HandleAsync(sessionId, ChatEvent.FromVisitor, session.VisitorName, seq, aborted);
                        }

                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or JsonException)
        {
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await outgoing;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
        }
    }

    private static bool SameHost(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    private static async Task<ClientFrame?> ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (message.Length > MaxFrameBytes)
            {
                await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "too big", CancellationToken.None);
                return null;
            }

            if (result.EndOfMessage)
            {
                break;
            }
        }

        try
        {
            return JsonSerializer.Deserialize<ClientFrame>(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length), JsonOptions.Api);
        }
        catch (JsonException)
        {
            // An unknown field or broken JSON: treated as nothing to do rather than a reason to drop the visitor.
            return new ClientFrame(null, null, null, null, null, null);
        }
    }
}

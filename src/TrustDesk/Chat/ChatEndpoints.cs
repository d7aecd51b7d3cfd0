using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.Chat;

/// <summary>The status a visitor sees while waiting: who answers, their place in line, an honest estimate.</summary>
public sealed record ChatSessionStatus(Guid SessionId, string Status, long? CaseId, string? AgentName, int? QueuePosition,
    int? EstimatedWaitMinutes, int AgentsOnShift, bool ContinuesByEmail, bool Crisis, long LastSeq);

public static class ChatEndpoints
{
    public const long MessageBodyLimit = 64 * 1024;

    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        // Visitors are not TrustDesk users: every endpoint here is anonymous and proves the session with its own token.
        var api = app.MapGroup("/api/v1/chat/sessions").WithTags("Chat").AllowAnonymous().RequireCors(ChatServices.CorsPolicy);

        api.MapPost("/", StartAsync)
            .WithName("StartChatSession")
            .WithSummary("Start a chat as a platform user (identityToken) or as a visitor (name and email); answers the visitor token once")
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024));

        api.MapGet("/{sessionId:guid}", StatusAsync)
            .WithName("GetChatSession")
            .WithSummary("The visitor's view of the chat: status, agent, place in the queue and wait estimate");

        api.MapPost("/{sessionId:guid}/messages", PostMessageAsync)
            .WithName("PostChatMessage")
            .WithSummary("Send a visitor message; stored and triaged before the answer; idempotent on clientMessageId")
            .WithMetadata(new RequestSizeLimitAttribute(MessageBodyLimit));

        api.MapGet("/{sessionId:guid}/events", EventsAsync)
            .WithName("StreamChatEvents")
            .WithSummary("Server-Sent Events of the conversation (id is the seq); resumes after Last-Event-ID or ?after=");

        api.MapPost("/{sessionId:guid}/typing", TypingAsync)
            .WithName("ChatVisitorTyping")
            .WithSummary("The visitor is typing (shown to the agent; not stored)");

        api.MapPost("/{sessionId:guid}/read", ReadAsync)
            .WithName("ChatVisitorRead")
            .WithSummary("Read receipt: the visitor has seen the conversation up to seq");

        api.MapPost("/{sessionId:guid}/satisfaction", RateAsync)
            .WithName("RateChat")
            .WithSummary("The visitor's answer to the satisfaction question asked when the chat ended: score 1–5 and an optional comment; the first answer counts")
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024));

        api.Map("/{sessionId:guid}/ws", ChatWebSocket.HandleAsync)
            .WithName("ChatWebSocket")
            .WithSummary("WebSocket transport: the same events as /events, and messages, typing and reads from the visitor");

        app.MapGet("/chat/widget.js", WidgetScript).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/chat/console.js", () => TypedResults.Bytes(ChatWidget.ConsoleScript, "text/javascript; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/chat/demo", DemoPage).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Created<ChatSessionStarted>, ValidationProblem, ProblemHttpResult>> StartAsync(
        StartChatSessionRequest request, StartChatSession handler, ChatRateLimits limits, HttpContext context, CancellationToken cancellationToken)
    {
        if (!limits.TrySession(context.Connection.RemoteIpAddress?.ToString()))
        {
            return TooMany(context, 60);
        }

        return await handler.HandleAsync(request, cancellationToken) switch
        {
            StartChatSession.Started started => TypedResults.Created($"/api/v1/chat/sessions/{started.Session.SessionId}", started.Session),
            StartChatSession.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The identity token is not valid.",
                detail: "It is forged, expired, or signed by a platform this desk does not know. Sign a new one on your server."),
        };
    }

    private static async Task<Results<Ok<ChatSessionStatus>, NotFound, ProblemHttpResult>> StatusAsync(
        Guid sessionId, HttpContext context, TrustDeskDb db, ChatAgents agents, IOptionsMonitor<ChatOptions> options, CancellationToken cancellationToken)
    {
        if (ChatVisitors.BearerToken(context.Request) is not { } token)
        {
            return NoToken();
        }

        var session = await ChatVisitors.FindAsync(db, sessionId, token, tracked: false, cancellationToken);
        if (session is null)
        {
            return TypedResults.NotFound();
        }

        var onShift = agents.OnShift;
        int? position = null;
        int? wait = null;
        if (session.Status == ChatSession.Waiting && session.CaseId is not null)
        {
            // Crisis chats go first, so a crisis visitor counts only crisis chats ahead of them.
            position = 1 + await db.ChatSessions.CountAsync(s => s.Status == ChatSession.Waiting && s.CaseId != null && s.CreatedAt < session.CreatedAt
                && (!session.Crisis || s.Crisis), cancellationToken);
            var capacity = onShift * Math.Max(1, options.CurrentValue.AgentCapacity);
            wait = capacity == 0 ? null : (int)Math.Ceiling((double)position.Value * options.CurrentValue.MinutesPerChat / capacity);
        }

        var lastSeq = await db.ChatEvents.Where(e => e.SessionId == sessionId).MaxAsync(e => (long?)e.Seq, cancellationToken) ?? 0;
        return TypedResults.Ok(new ChatSessionStatus(session.Id, session.Status, session.CaseId, session.AgentName, position, wait, onShift,
            ContinuesByEmail: onShift == 0 && session.VisitorEmail is not null && session.Status != ChatSession.Active, session.Crisis, lastSeq));
    }

    private static async Task<Results<Created<ChatMessagePosted>, NotFound, ValidationProblem, ProblemHttpResult>> PostMessageAsync(
        Guid sessionId, PostChatMessageRequest request, HttpContext context, PostChatMessage handler, ChatRateLimits limits, CancellationToken cancellationToken)
    {
        if (ChatVisitors.BearerToken(context.Request) is not { } token)
        {
            return NoToken();
        }

        if (!limits.TryMessage(sessionId, context.Connection.RemoteIpAddress?.ToString()))
        {
            return TooMany(context, 10);
        }

        return await handler.HandleAsync(sessionId, token, request, cancellationToken) switch
        {
            PostChatMessage.Posted posted => TypedResults.Created($"/api/v1/chat/sessions/{sessionId}/events?after={posted.Message.Seq - 1}", posted.Message),
            PostChatMessage.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<EmptyHttpResult, NotFound, ValidationProblem, ProblemHttpResult>> EventsAsync(
        Guid sessionId, HttpContext context, TrustDeskDb db, StreamChatEvents stream, [FromQuery] long? after, CancellationToken cancellationToken)
    {
        if (ChatVisitors.BearerToken(context.Request) is not { } token)
        {
            return NoToken();
        }

        if (await ChatVisitors.FindAsync(db, sessionId, token, tracked: false, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        // Last-Event-ID is what a reconnecting EventSource sends; ?after= is for clients that cannot set headers.
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        long from = after ?? 0;
        if (lastEventId.Length > 0 && !long.TryParse(lastEventId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out from))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["Last-Event-ID"] = ["A sequence number."] });
        }

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers.XContentTypeOptions = "nosniff";
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.WriteAsync("retry: 2000\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        try
        {
            await stream.RunAsync(sessionId, from, ChatEvent.FromVisitor,
                async (e, durable) =>
                {
                    var frame = durable ? $"id: {e.Seq}\nevent: {e.Type}\ndata: {StreamChatEvents.Json(e)}\n\n" : $"event: {e.Type}\ndata: {StreamChatEvents.Json(e)}\n\n";
                    await response.WriteAsync(frame, Encoding.UTF8, cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                },
                async () =>
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                },
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; it resumes with Last-Event-ID.
        }
        catch (IOException)
        {
        }

        return TypedResults.Empty;
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> TypingAsync(
        Guid sessionId, HttpContext context, TrustDeskDb db, ChatHub hub, CancellationToken cancellationToken)
    {
        if (ChatVisitors.BearerToken(context.Request) is not { } token)
        {
            return NoToken();
        }

        var session = await ChatVisitors.FindAsync(db, sessionId, token, tracked: false, cancellationToken);
        if (session is null)
        {
            return TypedResults.NotFound();
        }

        hub.Publish(sessionId, new ChatSignal(0, ChatEvent.FromVisitor, session.VisitorName));
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> ReadAsync(
        Guid sessionId, MarkChatReadRequest request, HttpContext context, TrustDeskDb db, MarkChatRead handler, CancellationToken cancellationToken)
    {
        if (ChatVisitors.BearerToken(context.Request) is not { } token)
        {
            return NoToken();
        }

        var session = await ChatVisitors.FindAsync(db, sessionId, token, tracked: false, cancellationToken);
        if (session is null)
        {
            return TypedResults.NotFound();
        }

        if (request.Seq is not { } seq || await handler.HandleAsync(sessionId, ChatEvent.FromVisitor, session.VisitorName, seq, cancellationToken) is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["seq"] = ["The seq of an event of this conversation."] });
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ChatRating>, NotFound, ValidationProblem, ProblemHttpResult>> RateAsync(
        Guid sessionId, RateChatRequest request, HttpContext context, RateChat handler, ChatRateLimits limits, CancellationToken cancellationToken)
    {
        if (ChatVisitors.BearerToken(context.Request) is not { } token)
        {
            return NoToken();
        }

        if (!limits.TryMessage(sessionId, context.Connection.RemoteIpAddress?.ToString()))
        {
            return TooMany(context, 10);
        }

        return await handler.HandleAsync(sessionId, token, request, cancellationToken) switch
        {
            RateChat.Rated rated => TypedResults.Ok(rated.Rating),
            RateChat.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            RateChat.NotAsked => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This chat has no survey to answer.",
                detail: "The question is asked when an agent ends the chat, not in every chat (never in a crisis, nor twice in a short time), and lapses after a while."),
            _ => TypedResults.NotFound(),
        };
    }

    private static ProblemHttpResult NoToken() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Send the visitor token.",
            detail: "Authorization: Bearer <visitorToken> from POST /api/v1/chat/sessions.");

    private static ProblemHttpResult TooMany(HttpContext context, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many messages; wait a moment.");
    }

    private static FileContentHttpResult WidgetScript(HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=300";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Bytes(ChatWidget.Script, "text/javascript; charset=utf-8");
    }

    private static IResult DemoPage(IOptionsMonitor<ChatOptions> options, TimeProvider time)
    {
        if (!options.CurrentValue.DemoEnabled || !options.CurrentValue.Platforms.TryGetValue(ChatWidget.DemoPlatform, out var platform))
        {
            return TypedResults.NotFound();
        }

        // Signed here, on the server, as a platform's backend would: the page never sees the secret.
        var token = IdentityTokens.Sign(ChatWidget.DemoPlatform, platform.Secret, "demo-buyer-1", "Dana Demo", "dana.demo@buyers.example",
            time.GetUtcNow().AddMinutes(30));
        return TypedResults.Content(ChatWidget.DemoHtml(token), "text/html; charset=utf-8");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Chat;

/// <summary>A visitor's message.</summary>
/// <param name="Text">Plain text; shown as text everywhere, never as HTML.</param>
/// <param name="ClientMessageId">The client's own id for this message: a retried send with the same id stores nothing new and answers the first result.</param>
public sealed record PostChatMessageRequest(string? Text, string? ClientMessageId);

/// <summary>The stored message: its place in the conversation and the case it is on.</summary>
public sealed record ChatMessagePosted(long Seq, long CaseId, string CaseNumber, string? ClientMessageId, bool Crisis, bool Replayed);

/// <summary>
/// Stores a visitor's message on the conversation's case (opening the case at the first message), runs triage on it,
/// and adds what the visitor must see at once (crisis resources, "no agent is available") — all in one transaction,
/// before the visitor is answered. The transaction is a group commit of the <see cref="ChatWriter"/>, shared with the
/// messages that arrived meanwhile; the streams are woken once it is on disk.
/// </summary>
public sealed class PostChatMessage(TrustDeskDb db, ChatWriter writer, IOptionsMonitor<ChatOptions> options)
{
    public abstract record Result;
    public sealed record Posted(ChatMessagePosted Message) : Result;
    public sealed record NotFound : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(Guid sessionId, string? token, PostChatMessageRequest request, CancellationToken cancellationToken)
    {
        // The session first: a caller without this chat's token learns nothing, not even what a valid message looks like.
        var session = await ChatVisitors.FindAsync(db, sessionId, token, tracked: false, cancellationToken);
        if (session is null)
        {
            return new NotFound();
        }

        var settings = options.CurrentValue;
        var errors = new ValidationErrors();
        errors.Required("text", request.Text is null ? null : request.Text.Trim(), settings.TextMaxLength);
        errors.MaxLength("clientMessageId", request.ClientMessageId, ChatEvent.ClientMessageIdMaxLength);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        // A retry is recognised by the writer, in the batch that would store it: a copy sent at the same instant is then
        // found too, whichever batch the first one is in.
        var clientMessageId = string.IsNullOrWhiteSpace(request.ClientMessageId) ? null : request.ClientMessageId;
        try
        {
            return new Posted(await writer.SubmitAsync(new VisitorMessageWork(sessionId, request.Text!.Trim(), clientMessageId), cancellationToken));
        }
        catch (DbUpdateException) when (clientMessageId is not null)
        {
            // The same message sent at once to another node, which stored it.
            return await ReplayAsync(sessionId, clientMessageId, cancellationToken) is { } stored ? new Posted(stored) : throw new InvalidOperationException("A chat message could not be stored.");
        }
    }

    private async Task<ChatMessagePosted?> ReplayAsync(Guid sessionId, string clientMessageId, CancellationToken cancellationToken)
    {
        var earlier = await db.ChatEvents.AsNoTracking()
            .Where(e => e.SessionId == sessionId && e.ClientMessageId == clientMessageId)
            .Select(e => new { e.Seq, e.MessageId })
            .FirstOrDefaultAsync(cancellationToken);
        if (earlier is null)
        {
            return null;
        }

        var caseId = await db.Messages.AsNoTracking().Where(m => m.Id == earlier.MessageId).Select(m => m.CaseId).FirstAsync(cancellationToken);
        var crisis = await db.ChatSessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => s.Crisis).FirstAsync(cancellationToken);
        return new ChatMessagePosted(earlier.Seq, caseId, Case.FormatNumber(caseId), clientMessageId, crisis, Replayed: true);
    }
}

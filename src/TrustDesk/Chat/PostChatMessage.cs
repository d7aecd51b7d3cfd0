using TrustDesk.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;
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
/// before the visitor is answered. Only then are the streams woken.
/// </summary>
public sealed class PostChatMessage(
    TrustDeskDb db, CategoryCatalog catalog, TriageEngine triage, ChatHub hub, ChatAgents agents, IOptionsMonitor<ChatOptions> options, TimeProvider time)
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

        var clientMessageId = string.IsNullOrWhiteSpace(request.ClientMessageId) ? null : request.ClientMessageId;
        if (await ReplayAsync(sessionId, clientMessageId, cancellationToken) is { } earlier)
        {
            return new Posted(earlier);
        }

        var text = request.Text!.Trim();
        var snapshot = await catalog.GetAsync(cancellationToken);
        var rules = await triage.GetAsync(cancellationToken);
        ChatMessagePosted posted;
        long lastSeq;
        try
        {
            (posted, lastSeq) = await ChatEvents.SaveWithRetryAsync(db, () => AttemptAsync(sessionId, clientMessageId, text, snapshot, rules, settings, cancellationToken), cancellationToken);
        }
        catch (DbUpdateException) when (clientMessageId is not null)
        {
            // The same message sent twice at once: the other request stored it.
            return await ReplayAsync(sessionId, clientMessageId, cancellationToken) is { } stored ? new Posted(stored) : throw new InvalidOperationException("A chat message could not be stored.");
        }

        hub.Publish(sessionId, new ChatSignal(lastSeq));
        return new Posted(posted);
    }

    private async Task<(ChatMessagePosted, long)> AttemptAsync(Guid sessionId, string? clientMessageId, string text, CategoryCatalog.Snapshot snapshot,
        CompiledRulePack rules, ChatOptions settings, CancellationToken cancellationToken)
    {
        if (await ReplayAsync(sessionId, clientMessageId, cancellationToken) is { } stored)
        {
            return (stored, stored.Seq);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var session = await db.ChatSessions.FirstAsync(s => s.Id == sessionId, cancellationToken);
        var contact = await db.Contacts.FirstAsync(c => c.Id == session.ContactId, cancellationToken);
        var actor = new Actor("contact", contact.Id.ToString(), session.VisitorName);
        var first = session.CaseId is null;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var @case = session.CaseId is { } caseId ? await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken) : null;
        var created = false;
        if (@case is null || @case.Status == CaseStatus.Closed)
        {
            // A closed case takes no more messages: the conversation goes on, on a new case linked to it.
            @case = OpenChatCase.Open(db, snapshot, session, contact, actor, now, @case?.Id);
            created = true;
            await db.SaveChangesAsync(cancellationToken);
            session.MoveToCase(@case.Id, now);
        }
        else if (@case.Status is CaseStatus.Solved or CaseStatus.PendingUser)
        {
            @case.ChangeStatus(CaseStatus.Open, actor, now);
        }

        session.Resume(now);
        var message = @case.AddMessage(MessageDirection.Inbound, Channel.Chat, text, actor, now);
        var crisis = await TriageChatMessage.ApplyAsync(db, snapshot, rules, @case, created, contact, text, now, cancellationToken);

        var seq = await ChatEvents.NextSeqAsync(db, sessionId, cancellationToken);
        db.ChatEvents.Add(new ChatEvent(sessionId, seq, ChatEvent.MessageType, ChatEvent.FromVisitor, text, session.VisitorName, clientMessageId, message.Id, null, now));
        var last = seq;
        if (crisis && !session.Crisis)
        {
            // Before any agent answers: the resources go out in the same commit as the message that needed them.
            session.MarkCrisis(now);
            db.ChatEvents.Add(new ChatEvent(sessionId, ++last, ChatEvent.SystemType, ChatEvent.FromSystem, settings.CrisisResources, null, null, null, null, now));
        }

        if (first && agents.OnShift == 0)
        {
            db.ChatEvents.Add(new ChatEvent(sessionId, ++last, ChatEvent.SystemType, ChatEvent.FromSystem,
                session.VisitorEmail is null ? settings.NoAgentText.Replace(" by email at the address you gave", " here as soon as someone is on shift", StringComparison.Ordinal) : settings.NoAgentText,
                null, null, null, null, now));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (new ChatMessagePosted(seq, @case.Id, @case.Number, clientMessageId, session.Crisis, Replayed: false), last);
    }

    private async Task<ChatMessagePosted?> ReplayAsync(Guid sessionId, string? clientMessageId, CancellationToken cancellationToken)
    {
        if (clientMessageId is null)
        {
            return null;
        }

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

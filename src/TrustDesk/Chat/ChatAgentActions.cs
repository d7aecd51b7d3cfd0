using TrustDesk.Taxonomy;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.Chat;

/// <summary>A chat as the console's live list shows it.</summary>
public sealed record LiveChat(Guid SessionId, long CaseId, string CaseNumber, string VisitorName, string Status, string? AgentName, bool Crisis,
    Severity Severity, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>
/// What an agent does with a chat beyond replying (replies go through <see cref="AddMessage"/> like on any case): list,
/// accept, transfer, end, type, read. Every action checks the agent may see the chat's case (404 otherwise), as on cases.
/// </summary>
public sealed class ChatAgentActions(TrustDeskDb db, CaseAccess access, ChatHub hub, MarkChatRead read, IConversationSurveys surveys, TimeProvider time)
{
    /// <summary>Open chats the caller may see: crisis first, then waiting, oldest first.</summary>
    public async Task<List<LiveChat>> ListAsync(ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleToAsync(db.Cases.AsNoTracking(), caller, cancellationToken);
        var rows = await db.ChatSessions.AsNoTracking()
            .Where(s => s.Status != ChatSession.Ended && s.CaseId != null)
            .Join(visible, s => s.CaseId, c => (long?)c.Id, (s, c) => new { s, c.Severity })
            .OrderByDescending(x => x.s.Crisis).ThenBy(x => x.s.CreatedAt)
            .Take(200)
            .ToListAsync(cancellationToken);
        return rows.Select(x => new LiveChat(x.s.Id, x.s.CaseId!.Value, Case.FormatNumber(x.s.CaseId.Value), x.s.VisitorName, x.s.Status, x.s.AgentName,
            x.s.Crisis, x.Severity, x.s.CreatedAt, x.s.UpdatedAt)).ToList();
    }

    /// <summary>The chat on a case, when the caller may see the case and it has one.</summary>
    public async Task<ChatSession?> ForCaseAsync(long caseId, ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        await access.CanSeeAsync(caseId, caller, cancellationToken)
            ? await db.ChatSessions.AsNoTracking().Where(s => s.CaseId == caseId).OrderByDescending(s => s.UpdatedAt).FirstOrDefaultAsync(cancellationToken)
            : null;

    public async Task<List<ChatEventView>> TranscriptAsync(Guid sessionId, long afterSeq, CancellationToken cancellationToken) =>
        (await ChatEvents.AfterAsync(db, sessionId, afterSeq, cancellationToken)).Select(ChatEvents.ToView).ToList();

    public Task<bool> AcceptAsync(Guid sessionId, ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        ChangeAsync(sessionId, caller, (session, @case, actor, now) =>
        {
            session.Accept(actor.Id, actor.Name, now);
            @case.Assign(actor.Name, actor, now);
            return $"{DispatchChatReplies.FirstName(actor.Name)} joined the chat.";
        }, cancellationToken);

    /// <summary>To another agent (by name), or back to the waiting list when <paramref name="agentName"/> is null.</summary>
    public Task<bool> TransferAsync(Guid sessionId, string? agentName, ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        ChangeAsync(sessionId, caller, (session, @case, actor, now) =>
        {
            var name = string.IsNullOrWhiteSpace(agentName) ? null : agentName.Trim();
            session.Transfer(name, name, now);
            @case.Assign(name, actor, now);
            return name is null ? "You have been moved back to the queue; the next agent will be with you." : $"{DispatchChatReplies.FirstName(name)} is taking over the chat.";
        }, cancellationToken);

    /// <summary>Ends the chat and, when the visitor may be asked, asks how it went (answered through <see cref="RateChat"/>).</summary>
    public Task<bool> EndAsync(Guid sessionId, ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        ChangeAsync(sessionId, caller, (session, _, _, now) =>
        {
            session.End(now);
            return "The chat has ended. The conversation stays on your case; write again at any time.";
        }, cancellationToken, survey: (@case, now) => surveys.OfferAsync(db, @case, now, cancellationToken));

    public async Task<bool> TypingAsync(Guid sessionId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (await VisibleSessionAsync(sessionId, caller, cancellationToken) is null)
        {
            return false;
        }

        hub.Publish(sessionId, new ChatSignal(0, ChatEvent.FromAgent, DispatchChatReplies.FirstName(caller.ToActor().Name)));
        return true;
    }

    public async Task<bool> ReadAsync(Guid sessionId, long upTo, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (await VisibleSessionAsync(sessionId, caller, cancellationToken) is null)
        {
            return false;
        }

        return await read.HandleAsync(sessionId, ChatEvent.FromAgent, DispatchChatReplies.FirstName(caller.ToActor().Name), upTo, cancellationToken) is not null;
    }

    private async Task<ChatSession?> VisibleSessionAsync(Guid sessionId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var session = await db.ChatSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        return session?.CaseId is { } caseId && caller.Has(Permissions.CasesComment) && await access.CanSeeAsync(caseId, caller, cancellationToken) ? session : null;
    }

    private async Task<bool> ChangeAsync(Guid sessionId, ClaimsPrincipal caller, Func<ChatSession, Case, Actor, DateTime, string> change,
        CancellationToken cancellationToken, Func<Case, DateTime, Task<bool>>? survey = null)
    {
        if (await VisibleSessionAsync(sessionId, caller, cancellationToken) is null)
        {
            return false;
        }

        var actor = caller.ToActor();
        var seq = await ChatEvents.SaveWithRetryAsync(db, async () =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var session = await db.ChatSessions.FirstAsync(s => s.Id == sessionId, cancellationToken);
            var @case = await db.Cases.FirstAsync(c => c.Id == session.CaseId, cancellationToken);
            var note = change(session, @case, actor, now);
            var next = await ChatEvents.NextSeqAsync(db, sessionId, cancellationToken);
            db.ChatEvents.Add(new ChatEvent(sessionId, next, ChatEvent.SystemType, ChatEvent.FromSystem, note, null, null, null, null, now));
            if (survey is not null && await survey(@case, now))
            {
                db.ChatEvents.Add(new ChatEvent(sessionId, ++next, ChatEvent.SurveyType, ChatEvent.FromSystem, RateChat.Question, null, null, null, null, now));
            }

            await db.SaveChangesAsync(cancellationToken);
            return next;
        }, cancellationToken);
        hub.Publish(sessionId, new ChatSignal(seq));
        return true;
    }
}

using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Email;
using TrustDesk.Identity;

namespace TrustDesk.Chat;

/// <summary>
/// An email copy of a chat for the visitor, when they ask for it: every message of the conversation on its case (the
/// visitor's and the agents', never internal notes), with times in UTC, sent through the outbox to the address the
/// visitor gave (or their platform account's), and noted on the case. Only an agent who may see the case can send it.
/// </summary>
public sealed class EmailChatTranscript(TrustDeskDb db, CaseAccess access, QueueNoticeEmail notices, TimeProvider time)
{
    public abstract record Result;
    public sealed record Sent(string To) : Result;
    public sealed record NotFound : Result;
    public sealed record NoAddress : Result;

    public async Task<Result> HandleAsync(Guid sessionId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var session = await db.ChatSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session?.CaseId is not { } caseId || !caller.Has(Permissions.CasesComment) || !await access.CanSeeAsync(caseId, caller, cancellationToken))
        {
            return new NotFound();
        }

        var to = session.VisitorEmail;
        if (!QueueNoticeEmail.IsAddress(to))
        {
            return new NoAddress();
        }

        // From the case's messages, the conversation's durable record: an agent's reply is there the moment it is accepted,
        // while its chat event follows when the reply is delivered to the widget.
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.CaseId == caseId && m.Channel == Channel.Chat && (m.Direction == MessageDirection.Inbound || m.Direction == MessageDirection.Outbound))
            .OrderBy(m => m.CreatedAt).ToListAsync(cancellationToken);
        var @case = await db.Cases.FirstAsync(c => c.Id == caseId, cancellationToken);
        var text = new StringBuilder($"Hello {session.VisitorName},\n\nHere is a copy of your chat with us ({@case.Number}).\n\n");
        foreach (var m in messages)
        {
            var who = m.Direction == MessageDirection.Inbound ? "You" : DispatchChatReplies.FirstName(m.AuthorName);
            text.Append(CultureInfo.InvariantCulture, $"[{m.CreatedAt:yyyy-MM-dd HH:mm} UTC] {who}: {m.Text}\n");
        }

        text.Append("\nReply to this email to continue the conversation on the same case.\n");
        var now = time.GetUtcNow().UtcDateTime;
        notices.Enqueue(db, @case, to!, session.VisitorName, $"Your chat with us ({@case.Number})", text.ToString(), caller.ToActor(), now);
        await db.SaveChangesAsync(cancellationToken);
        notices.Delivered();
        return new Sent(to!);
    }
}

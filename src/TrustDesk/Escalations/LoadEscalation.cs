using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.Escalations;

/// <summary>
/// One escalation as its department reads it: the question and the evidence handed over, the conversation since, what the
/// user wrote, and the case as <see cref="GetCase"/> shows it to this caller (personal data masked the same way).
/// </summary>
public sealed record EscalationDetail(
    EscalationItem Item, CaseDetail Case, MessageView? Question, IReadOnlyList<MessageView> Conversation, IReadOnlyList<MessageView> FromUser);

public sealed class LoadEscalation(TrustDeskDb db, GetCase getCase, TimeProvider time)
{
    /// <summary>How many of the user's latest messages the department sees beside the question.</summary>
    public const int UserMessages = 5;

    public async Task<EscalationDetail?> HandleAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var escalation = await db.Escalations.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (escalation is null || (!caller.Has(Permissions.CasesAllDepartments) && escalation.Department != Permissions.DepartmentOf(caller)))
        {
            return null;
        }

        if (await getCase.HandleAsync(escalation.CaseId, caller, cancellationToken) is not { } detail)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var item = new EscalationItem(EscalationView.Of(escalation, now), detail.Number, detail.Title, detail.Severity,
            CaseStatusRules.TryParse(detail.Status, out var status) ? status : CaseStatus.Open);
        var question = detail.Messages.FirstOrDefault(m => m.Id == escalation.QuestionMessageId);
        var conversation = detail.Messages.Where(m => m.Direction == MessageDirection.Internal && m.CreatedAt >= escalation.CreatedAt && m.Id != escalation.QuestionMessageId).ToList();
        var fromUser = detail.Messages.Where(m => m.Direction == MessageDirection.Inbound).TakeLast(UserMessages).ToList();
        return new EscalationDetail(item, detail, question, conversation, fromUser);
    }
}

using TrustDesk.Subjects;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Data;
using TrustDesk.Intake;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;

namespace TrustDesk.Chat;

/// <summary>
/// Runs the rules on a visitor's message (trigger <c>message.received</c>) and applies what the active ones decided to
/// its case through the same <see cref="ApplyTriage"/> as reports and email, in the message's own transaction: the
/// visitor is told "sent" only once triage has run, so a crisis cannot sit unseen behind an acknowledged message.
/// </summary>
public static class TriageChatMessage
{
    public const string CrisisQueue = "crisis";

    /// <returns>True when the case is now a crisis (S1 in the crisis queue).</returns>
    public static async Task<bool> ApplyAsync(TrustDeskDb db, CategoryCatalog.Snapshot catalog, CompiledRulePack rules, Case target, bool caseCreated,
        Contact contact, string text, DateTime now, CancellationToken cancellationToken)
    {
        var account = contact.AccountSubjectId is { } accountId
            ? await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Id == accountId, cancellationToken)
            : null;
        var subject = target.PrimarySubjectId is { } subjectId
            ? await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, cancellationToken)
            : null;

        // A visitor without a platform account is a contact: rules read their words, and lookups about them find nothing.
        var author = account is null
            ? new SubjectFacts(new SubjectHandle(Guid.Empty, "contact", contact.Id.ToString("N")))
            : TriageFacts.Of(account);
        var input = TriageInput.ForMessage(new DateTimeOffset(now, TimeSpan.Zero), author, text,
            subject is null ? null : TriageFacts.Of(subject), target.Category);
        var outcome = rules.Evaluate(input, new HistoryTriageContext(db) { At = now });
        if (outcome.Hits.Count > 0)
        {
            if (target.Category is null && outcome.Category is { } category)
            {
                target.ChangeCategory(category, ApplyTriage.RulesActor, now);
            }

            ApplyTriage.ApplyTo(db, catalog, now, target, caseCreated, outcome, TriageInput.MessageReceived, subject?.Id ?? account?.Id);
        }

        return target.Severity == Severity.S1 && catalog.QueuesById.GetValueOrDefault(target.QueueId)?.Name == CrisisQueue;
    }
}

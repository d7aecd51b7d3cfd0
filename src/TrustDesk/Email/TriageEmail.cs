using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Intake;
using TrustDesk.Triage;

namespace TrustDesk.Email;

/// <summary>
/// Runs the rules on an inbound email (trigger <c>message.received</c>) and applies what the active ones decided to its
/// case, through the same <see cref="ApplyTriage"/> as reports and in the batch's transaction: self-harm language in an
/// email makes the case S1 in the crisis queue exactly as it does in a report, and every hit, shadow ones included, is
/// recorded on the case.
/// </summary>
public static class TriageEmail
{
    public static async Task ApplyAsync(EmailBatch batch, Case target, bool caseCreated, Contact contact, ParsedEmail email, CancellationToken cancellationToken)
    {
        var account = await batch.SubjectAsync(contact.AccountSubjectId, cancellationToken);
        var subject = await batch.SubjectAsync(target.PrimarySubjectId, cancellationToken);

        // A sender without a platform account is a contact: rules read their words, and lookups about them find nothing.
        var author = account is null
            ? new SubjectFacts(new SubjectHandle(Guid.Empty, "contact", contact.Id.ToString("N")))
            : TriageFacts.Of(account);
        var input = TriageInput.ForMessage(
            new DateTimeOffset(batch.Now, TimeSpan.Zero), author, TextOf(email, caseCreated ? null : target), subject is null ? null : TriageFacts.Of(subject), target.Category,
            email.FromAddress);
        var outcome = batch.Rules.Evaluate(input, batch.History);
        if (outcome.Hits.Count == 0)
        {
            return;
        }

        // Reports choose their category before they join a case; an email only gets one when its case has none. A case
        // that already has one keeps it (an agent chose it, or it collects reports under it), while severity, queue and
        // tags still move.
        if (target.Category is null && outcome.Category is { } category)
        {
            target.ChangeCategory(category, ApplyTriage.RulesActor, batch.Now);
        }

        ApplyTriage.ApplyTo(batch.Db, batch.Catalog, batch.Now, target, caseCreated, outcome, TriageInput.MessageReceived, subject?.Id ?? account?.Id);
    }

    /// <summary>
    /// What the rules and the model read: the subject line (people in crisis often say it there and nowhere else) and
    /// what the sender wrote now (triage cuts it further to their own words: no signature, disclaimer or quote). Quoted
    /// history was triaged when it arrived — and so was a reply's subject when it is the thread's: on a case that
    /// existed before this email (<paramref name="existing"/>), a subject marked as a reply ("Re: …") or equal to the
    /// case's title repeats earlier words, so an answer quoting an earlier crisis does not make the case one again.
    /// </summary>
    public static string TextOf(ParsedEmail email, Case? existing = null)
    {
        if (string.IsNullOrWhiteSpace(email.Subject))
        {
            return email.Text;
        }

        var title = ParseEmail.TitleFrom(email.Subject);
        var quoted = existing is not null
            && (ParseEmail.IsReplySubject(email.Subject) || string.Equals(title, existing.Title, StringComparison.OrdinalIgnoreCase));
        return quoted ? email.Text : title + "\n\n" + email.Text;
    }
}

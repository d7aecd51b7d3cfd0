using TrustDesk.Cases;

namespace TrustDesk.Email;

/// <summary>
/// Which case an email belongs to. First its In-Reply-To and References, against the Message-IDs of every email message
/// on a case (our replies and the user's messages); these are unguessable, so knowing one proves having seen the thread.
/// Then the <c>[TD-1042]</c> token in the subject, for clients that drop the headers; because anyone can type a token,
/// it only counts when the sender is the case's requester. Reads what <see cref="EmailBatch.PrepareAsync"/> loaded.
/// </summary>
public static class ThreadEmail
{
    public sealed record Match(Case Case, string How);

    public static Match? Find(ParsedEmail email, EmailBatch batch)
    {
        foreach (var reference in email.References)
        {
            if (batch.CasesByMessageId.TryGetValue(reference, out var local))
            {
                return new Match(local, "references");
            }
        }

        foreach (var reference in email.References)
        {
            if (batch.CaseOfMessage(reference) is { } @case)
            {
                return new Match(@case, "references");
            }
        }

        foreach (System.Text.RegularExpressions.Match token in ParseEmail.CaseToken().Matches(email.Subject))
        {
            if (long.TryParse(token.Groups[1].ValueSpan, out var caseId)
                && batch.CaseById(caseId) is { RequesterId: { } requesterId } @case
                && email.FromAddress is { } sender
                && batch.IsContactOf(sender, requesterId))
            {
                return new Match(@case, "subject token");
            }
        }

        return null;
    }
}

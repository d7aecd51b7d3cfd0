using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;

namespace TrustDesk.Email;

/// <summary>
/// Which case an email belongs to. First its In-Reply-To and References, against the Message-IDs of every email message
/// on a case (our replies and the user's messages); these are unguessable, so knowing one proves having seen the thread.
/// Then the <c>[TD-1042]</c> token in the subject, for clients that drop the headers; because anyone can type a token,
/// it only counts when the sender is the case's requester.
/// </summary>
public static class ThreadEmail
{
    public sealed record Match(Case Case, string How);

    public static async Task<Match?> FindAsync(ParsedEmail email, EmailBatch batch, CancellationToken cancellationToken)
    {
        if (email.References.Count > 0)
        {
            foreach (var reference in email.References)
            {
                if (batch.CasesByMessageId.TryGetValue(reference, out var local))
                {
                    return new Match(local, "references");
                }
            }

            var references = email.References.ToList();
            var found = await batch.Db.Messages.AsNoTracking()
                .Where(m => m.ExternalId != null && references.Contains(m.ExternalId))
                .Select(m => new { m.ExternalId, m.CaseId })
                .ToListAsync(cancellationToken);
            foreach (var reference in email.References)
            {
                if (found.FirstOrDefault(f => f.ExternalId == reference) is { } hit)
                {
                    var @case = await batch.Db.Cases.FirstOrDefaultAsync(c => c.Id == hit.CaseId, cancellationToken);
                    if (@case is not null)
                    {
                        return new Match(@case, "references");
                    }
                }
            }
        }

        foreach (System.Text.RegularExpressions.Match token in ParseEmail.CaseToken().Matches(email.Subject))
        {
            if (!long.TryParse(token.Groups[1].ValueSpan, out var caseId))
            {
                continue;
            }

            var @case = await batch.Db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken);
            if (@case?.RequesterId is not { } requesterId)
            {
                continue;
            }

            var requester = batch.ContactsByEmail.Values.FirstOrDefault(c => c.Id == requesterId)
                ?? await batch.Db.Contacts.FirstOrDefaultAsync(c => c.Id == requesterId, cancellationToken);
            if (requester?.Email is not null && requester.Email == email.FromAddress)
            {
                return new Match(@case, "subject token");
            }
        }

        return null;
    }
}

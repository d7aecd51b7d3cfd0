using TrustDesk.Contacts;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using TrustDesk.Cases;

namespace TrustDesk.Email;

/// <summary>
/// Which case an email belongs to, in this order:
/// <list type="number">
/// <item>its In-Reply-To and References, against the Message-IDs of every email message on a case (our replies and the
/// users' messages) — but only when the sender belongs to that case (its requester, someone who wrote on it, or an
/// address To/Cc'd on one of its inbound emails). Customer Message-IDs are often guessable, so knowing one proves nothing
/// about the sender: a stranger's mail opens a new case linked to that one, and never lands on it (so the agent's next
/// reply can never reference it);</item>
/// <item>the <c>[TD-1042]</c> token in the subject, for clients that drop the headers; anyone can type a token, so it
/// only counts when the sender is the case's requester;</item>
/// <item>the same sender and the same subject once Re:/Fwd:/AW:/SV:… and the token are taken off (case and white space
/// ignored): a follow-up from webmail or a phone without threading headers joins that sender's open (or recently
/// solved) case last active within <see cref="EmailOptions.FollowUpWindowDays"/>; a closed one gets a new case linked to
/// it as possibly related.</item>
/// </list>
/// Reads what <see cref="EmailBatch.PrepareAsync"/> and <see cref="Prepared.LoadAsync"/> loaded.
/// </summary>
public static class ThreadEmail
{
    /// <summary>
    /// Where the email points. <paramref name="Joins"/> false: it must not join <paramref name="Case"/> (a stranger's
    /// reference), a new case links to it instead, with <paramref name="Note"/> telling the agent why.
    /// </summary>
    public sealed record Match(Case Case, string How, bool Joins = true, string? Note = null);

    public static Match? Find(ParsedEmail email, EmailBatch batch)
    {
        if (ByReference(email, batch) is { } referenced)
        {
            return referenced;
        }

        if (ByToken(email, batch) is { } token)
        {
            return token;
        }

        return BySubject(email, batch);
    }

    /// <summary>After the email went to <paramref name="target"/>: a follow-up later in the same batch finds it by subject.</summary>
    public static void Remember(ParsedEmail email, Case target, EmailBatch batch)
    {
        if (email.FromAddress is { } sender && SubjectKey(email.Subject) is { } key)
        {
            batch.Threading.Local[(sender, key)] = target;
        }
    }

    /// <summary>The subject as follow-ups are compared: no reply prefixes or case token, white space folded, lower case.</summary>
    public static string? SubjectKey(string subject)
    {
        var title = ParseEmail.TitleFrom(subject);
        return title == "(no subject)" ? null : title.ToLowerInvariant();
    }

    private static Match? ByReference(ParsedEmail email, EmailBatch batch)
    {
        Case? found = null;
        foreach (var reference in email.References)
        {
            if (batch.CasesByMessageId.TryGetValue(reference, out var local) || (local = batch.CaseOfMessage(reference)) is not null)
            {
                if (email.FromAddress is { } sender && batch.Threading.BelongsTo(sender, local, batch))
                {
                    return new Match(local, "references");
                }

                found ??= local;
            }
        }

        return found is null ? null : new Match(found, "references", Joins: false,
            $"This email refers to a message of {found.Number}, but its sender {email.FromAddress} is not part of that case, so it was not added there.");
    }

    private static Match? ByToken(ParsedEmail email, EmailBatch batch)
    {
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

    private static Match? BySubject(ParsedEmail email, EmailBatch batch)
    {
        if (email.FromAddress is not { } sender || SubjectKey(email.Subject) is not { } key)
        {
            return null;
        }

        if (batch.Threading.Local.TryGetValue((sender, key), out var local))
        {
            return new Match(local, "subject");
        }

        if (!batch.Threading.BySenderSubject.TryGetValue((sender, key), out var earlier))
        {
            return null;
        }

        // ReceiveEmail joins it, reopens it (solved within the reopen window) or opens a new case linked to it (closed).
        return earlier.Status == CaseStatus.Closed
            ? new Match(earlier, "subject", Joins: false,
                $"Possibly related to {earlier.Number}: the same sender wrote with the same subject, without threading headers.")
            : new Match(earlier, "subject");
    }

    /// <summary>What threading needs beyond <see cref="EmailBatch"/>'s look-ups, loaded once per batch.</summary>
    public sealed class Prepared
    {
        private readonly Dictionary<long, HashSet<string>> _members = [];

        /// <summary>(sender, subject key) to the case a message of this batch went to.</summary>
        public Dictionary<(string Sender, string Subject), Case> Local { get; } = [];

        /// <summary>(sender, subject key) to that sender's most recently active case with that title in the window.</summary>
        public Dictionary<(string Sender, string Subject), Case> BySenderSubject { get; } = [];

        /// <summary>True when <paramref name="sender"/> is the case's requester or one of the case's participants.</summary>
        public bool BelongsTo(string sender, Case @case, EmailBatch batch) =>
            (@case.RequesterId is { } requester && batch.IsContactOf(sender, requester))
            || (_members.TryGetValue(@case.Id, out var members) && members.Contains(sender));

        public async Task LoadAsync(EmailBatch batch, IReadOnlyList<ParsedEmail> emails, EmailOptions settings, CancellationToken cancellationToken)
        {
            // Participants only of the cases a reference points at from someone other than their requester: the usual
            // reply (from the requester) costs nothing here.
            var suspicious = new HashSet<long>();
            var followUps = new List<ParsedEmail>();
            foreach (var email in emails)
            {
                var referenced = email.References.Select(batch.CaseOfMessage).OfType<Case>().ToList();
                foreach (var @case in referenced)
                {
                    if (email.FromAddress is null || !BelongsTo(email.FromAddress, @case, batch))
                    {
                        suspicious.Add(@case.Id);
                    }
                }

                if (referenced.Count == 0 && ByToken(email, batch) is null && email.FromAddress is not null && SubjectKey(email.Subject) is not null
                    && batch.ContactsByEmail.ContainsKey(email.FromAddress))
                {
                    followUps.Add(email);
                }
            }

            if (suspicious.Count > 0)
            {
                await LoadMembersAsync(batch, suspicious, cancellationToken);
            }

            if (followUps.Count > 0 && settings.FollowUpWindowDays > 0)
            {
                await LoadEarlierCasesAsync(batch, followUps, settings, cancellationToken);
            }
        }

        private async Task LoadMembersAsync(EmailBatch batch, HashSet<long> caseIds, CancellationToken cancellationToken)
        {
            var ids = caseIds.ToList();
            var inbound = await batch.Db.Messages.AsNoTracking()
                .Where(m => ids.Contains(m.CaseId) && m.Direction == MessageDirection.Inbound && m.Channel == Channel.Email)
                .Select(m => new { m.CaseId, m.AuthorType, m.AuthorId, m.ExternalId })
                .ToListAsync(cancellationToken);

            // Everyone who wrote on the case by email (their contact's address).
            var authorIds = inbound.Where(m => m.AuthorType == "contact").Select(m => Guid.TryParse(m.AuthorId, out var id) ? id : Guid.Empty)
                .Where(id => id != Guid.Empty).Distinct().ToList();
            var authors = authorIds.Count == 0 ? [] : await batch.Db.Contacts.AsNoTracking()
                .Where(c => authorIds.Contains(c.Id) && c.Email != null)
                .ToDictionaryAsync(c => c.Id.ToString(), c => c.Email!, cancellationToken);

            // Everyone To/Cc'd on the case's inbound emails (the requester copying a colleague or a seller in).
            var keys = inbound.Where(m => m.ExternalId != null).Select(m => "mid:" + m.ExternalId).Distinct().ToList();
            var raws = keys.Count == 0 ? [] : await batch.Db.InboundEmails.AsNoTracking()
                .Where(e => keys.Contains(e.DedupeKey))
                .Select(e => new { e.DedupeKey, e.Raw })
                .ToListAsync(cancellationToken);
            var copied = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var row in raws)
            {
                if (ParseEmail.ParseHeaders(row.Raw) is not { } headers)
                {
                    continue;
                }

                var addresses = new List<string>();
                foreach (var field in new[] { "To", "Cc" })
                {
                    if (headers[field] is { } value && InternetAddressList.TryParse(value, out var list))
                    {
                        addresses.AddRange(list.Mailboxes.Select(m => m.Address.Trim().ToLowerInvariant()));
                    }
                }

                copied[row.DedupeKey[4..]] = addresses;
            }

            foreach (var message in inbound)
            {
                if (!_members.TryGetValue(message.CaseId, out var members))
                {
                    _members[message.CaseId] = members = new HashSet<string>(StringComparer.Ordinal);
                }

                if (authors.TryGetValue(message.AuthorId, out var author))
                {
                    members.Add(author);
                }

                if (message.ExternalId is not null && copied.TryGetValue(message.ExternalId, out var addresses))
                {
                    members.UnionWith(addresses);
                }
            }
        }

        private async Task LoadEarlierCasesAsync(EmailBatch batch, List<ParsedEmail> followUps, EmailOptions settings, CancellationToken cancellationToken)
        {
            var requesters = followUps.Select(e => batch.ContactsByEmail[e.FromAddress!].Id).Distinct().ToList();
            var since = batch.Now.AddDays(-settings.FollowUpWindowDays);
            var candidates = await batch.Db.Cases.AsNoTracking()
                .Where(c => c.RequesterId != null && requesters.Contains(c.RequesterId.Value) && c.Channel == Channel.Email && c.UpdatedAt >= since)
                .OrderByDescending(c => c.UpdatedAt)
                .Select(c => new { c.Id, c.Title, c.RequesterId, c.Status })
                .Take(500)
                .ToListAsync(cancellationToken);

            var wanted = new Dictionary<(string, string), long>();
            foreach (var email in followUps)
            {
                var key = SubjectKey(email.Subject)!;
                var requester = batch.ContactsByEmail[email.FromAddress!].Id;

                // The most recently active case with that title; an open one before a closed one.
                var match = candidates.Where(c => c.RequesterId == requester && SubjectKey(c.Title) == key)
                    .OrderBy(c => c.Status == CaseStatus.Closed ? 1 : 0)
                    .FirstOrDefault();
                if (match is not null)
                {
                    wanted[(email.FromAddress!, key)] = match.Id;
                }
            }

            if (wanted.Count == 0)
            {
                return;
            }

            var ids = wanted.Values.Distinct().ToList();
            var cases = await batch.Db.Cases.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
            foreach (var (key, id) in wanted)
            {
                BySenderSubject[key] = batch.CaseById(id) ?? cases[id];
            }
        }
    }
}

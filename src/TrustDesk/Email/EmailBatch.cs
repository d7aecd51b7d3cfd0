using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Data;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;

namespace TrustDesk.Email;

/// <summary>
/// The state of one processing batch: one DbContext, the rules in force, what the batch's messages need from the
/// database, and what earlier messages of the batch created but has not been saved yet (a reply in the same batch as the
/// message it answers still finds its case).
/// </summary>
/// <remarks>
/// <see cref="PrepareAsync"/> looks up what every message of the batch needs in a handful of queries (known
/// Message-IDs, their cases, the senders' contacts and accounts, recent mail per sender), instead of five or six
/// round trips per message: processing shares SQLite's single writer and the machine's cores with intake, and
/// per-message queries were a third of its time.
/// </remarks>
public sealed class EmailBatch(TrustDeskDb db, DateTime now, CategoryCatalog.Snapshot catalog, CompiledRulePack rules)
{
    private readonly Dictionary<string, (long CaseId, MessageDirection Direction)> _knownMessageIds = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Case> _cases = [];
    private readonly HashSet<(string Email, Guid ContactId)> _senderContacts = [];
    private readonly Dictionary<string, Guid> _accountsByEmail = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(Guid Id, DateTime ReceivedAt)>> _recentBySender = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Subject?> _subjects = [];
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    public TrustDeskDb Db { get; } = db;
    public DateTime Now { get; } = now;
    public CategoryCatalog.Snapshot Catalog { get; } = catalog;
    public CompiledRulePack Rules { get; } = rules;

    /// <summary>
    /// What message rules read: email processing runs off the intake writer, so there are no batch counters to read;
    /// a rule that asks a count reads the stored history up to now (each question once per batch).
    /// </summary>
    public HistoryTriageContext History { get; } = new(db) { At = now };

    /// <summary>Message-ID to the case its message went to, for messages of this batch.</summary>
    public Dictionary<string, Case> CasesByMessageId { get; } = new(StringComparer.Ordinal);

    /// <summary>What threading loaded beyond the look-ups here (participants of referenced cases, earlier cases by subject).</summary>
    public ThreadEmail.Prepared Threading { get; } = new();

    /// <summary>The contact each sender address stands for: found in the database, or created by this batch.</summary>
    public Dictionary<string, Contact> ContactsByEmail { get; } = new(StringComparer.Ordinal);

    /// <summary>Loads what the batch's messages need, as of the start of the batch (each message saw that state before too).</summary>
    public async Task PrepareAsync(IReadOnlyList<(InboundEmail Row, ParsedEmail? Email)> items, EmailOptions settings, CancellationToken cancellationToken)
    {
        var emails = items.Where(i => i.Email is not null).Select(i => i.Email!).ToList();
        var senders = emails.Select(e => e.FromAddress).OfType<string>().Distinct().ToList();

        // Our own Message-IDs coming back (loops) and the messages replies refer to (threading), in one query.
        var lookup = emails.Select(e => e.MessageId).OfType<string>().Concat(emails.SelectMany(e => e.References)).Distinct().ToList();
        if (lookup.Count > 0)
        {
            foreach (var known in await Db.Messages.AsNoTracking()
                .Where(m => m.ExternalId != null && lookup.Contains(m.ExternalId))
                .Select(m => new { m.ExternalId, m.CaseId, m.Direction })
                .ToListAsync(cancellationToken))
            {
                // Should an id be on more than one message, our own reply wins: the loop check must not miss it.
                if (!_knownMessageIds.ContainsKey(known.ExternalId!) || known.Direction == MessageDirection.Outbound)
                {
                    _knownMessageIds[known.ExternalId!] = (known.CaseId, known.Direction);
                }
            }
        }

        var caseIds = _knownMessageIds.Values.Select(k => k.CaseId).ToHashSet();
        foreach (var email in emails)
        {
            foreach (System.Text.RegularExpressions.Match token in ParseEmail.CaseToken().Matches(email.Subject))
            {
                if (long.TryParse(token.Groups[1].ValueSpan, out var caseId))
                {
                    caseIds.Add(caseId);
                }
            }
        }

        if (caseIds.Count > 0)
        {
            var ids = caseIds.ToList();
            foreach (var @case in await Db.Cases.Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken))
            {
                _cases[@case.Id] = @case;
            }
        }

        if (senders.Count > 0)
        {
            foreach (var contact in await Db.Contacts.Where(c => c.Email != null && senders.Contains(c.Email)).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
                .ToListAsync(cancellationToken))
            {
                ContactsByEmail.TryAdd(contact.Email!, contact);
                _senderContacts.Add((contact.Email!, contact.Id));
            }

            foreach (var account in await Db.SubjectIdentifiers
                .Where(i => i.Type == IdentifierType.Email && senders.Contains(i.Value))
                .Join(Db.Subjects.Where(s => s.Kind == SubjectKind.Account), i => i.SubjectId, s => s.Id, (i, s) => new { i.Value, s.Id })
                .ToListAsync(cancellationToken))
            {
                _accountsByEmail.TryAdd(account.Value, account.Id);
            }

            if (settings.FloodMaxPerSender > 0 && items.Count > 0)
            {
                var since = items.Min(i => i.Row.ReceivedAt).AddMinutes(-settings.FloodWindowMinutes);
                var until = items.Max(i => i.Row.ReceivedAt);
                foreach (var recent in await Db.InboundEmails.AsNoTracking()
                    .Where(e => e.SenderAddress != null && senders.Contains(e.SenderAddress) && e.ReceivedAt >= since && e.ReceivedAt <= until
                        && e.State != InboundEmailStates.SetAside)
                    .Select(e => new { e.Id, e.SenderAddress, e.ReceivedAt })
                    .ToListAsync(cancellationToken))
                {
                    if (!_recentBySender.TryGetValue(recent.SenderAddress!, out var list))
                    {
                        _recentBySender[recent.SenderAddress!] = list = [];
                    }

                    list.Add((recent.Id, recent.ReceivedAt));
                }
            }
        }

        // The subjects rules read facts of: the senders' accounts and the cases' main subjects.
        var subjectIds = ContactsByEmail.Values.Select(c => c.AccountSubjectId).OfType<Guid>()
            .Concat(_accountsByEmail.Values)
            .Concat(_cases.Values.Select(c => c.PrimarySubjectId).OfType<Guid>())
            .Distinct().ToList();
        if (subjectIds.Count > 0)
        {
            foreach (var subject in await Db.Subjects.AsNoTracking().Where(s => subjectIds.Contains(s.Id)).ToListAsync(cancellationToken))
            {
                _subjects[subject.Id] = subject;
            }
        }

        await Threading.LoadAsync(this, emails, settings, cancellationToken);
    }

    /// <summary>True when the Message-ID is one of our own replies (our mail coming back).</summary>
    public bool IsOurOutbound(string messageId) =>
        _knownMessageIds.TryGetValue(messageId, out var known) && known.Direction == MessageDirection.Outbound;

    /// <summary>The case of a stored message with this Message-ID, when there is one.</summary>
    public Case? CaseOfMessage(string messageId) =>
        _knownMessageIds.TryGetValue(messageId, out var known) ? _cases.GetValueOrDefault(known.CaseId) : null;

    /// <summary>A case named by a subject token; only cases the batch loaded for a token or reference.</summary>
    public Case? CaseById(long id) => _cases.GetValueOrDefault(id);

    /// <summary>True when <paramref name="contactId"/> is a contact with this email address (a stored one, or the one this batch created).</summary>
    public bool IsContactOf(string email, Guid contactId) =>
        _senderContacts.Contains((email, contactId)) || (ContactsByEmail.TryGetValue(email, out var contact) && contact.Id == contactId);

    /// <summary>The platform account that carries this email address as an identifier, when one does.</summary>
    public Guid? AccountOf(string email) => _accountsByEmail.TryGetValue(email, out var id) ? id : null;

    /// <summary>How many other, not set aside, emails from <paramref name="sender"/> were received in the window up to this one.</summary>
    public int EarlierFrom(string sender, InboundEmail row, TimeSpan window)
    {
        if (!_recentBySender.TryGetValue(sender, out var recent))
        {
            return 0;
        }

        var since = row.ReceivedAt - window;
        return recent.Count(r => r.Id != row.Id && r.ReceivedAt >= since && r.ReceivedAt <= row.ReceivedAt);
    }

    /// <summary>A subject rules read facts of (the sender's account, the case's subject); prepared ones need no query.</summary>
    public async Task<Subject?> SubjectAsync(Guid? id, CancellationToken cancellationToken)
    {
        if (id is not { } key)
        {
            return null;
        }

        if (!_subjects.TryGetValue(key, out var subject))
        {
            subject = await Db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Id == key, cancellationToken);
            _subjects[key] = subject;
        }

        return subject;
    }

    /// <summary>An attachment to store before the batch commits; returns its SHA-256, which the attachment row carries.</summary>
    public string AddBlob(byte[] content)
    {
        var hash = BlobStore.Hash(content);
        _blobs.TryAdd(hash, content);
        return hash;
    }

    /// <summary>
    /// Writes the batch's attachments, all at once (each is flushed to disk, and the flushes overlap). Called before
    /// <see cref="SaveAsync"/>, so a row never refers to a file that is not durable, and outside the turn at SQLite's
    /// single writer (<see cref="TrustDeskDb.SaveBatchAsync"/>), which the disk flushes would otherwise hold up.
    /// </summary>
    public Task WriteBlobsAsync(BlobStore blobs, CancellationToken cancellationToken) =>
        Task.WhenAll(_blobs.Values.Select(content => blobs.PutAsync(content, cancellationToken)));

    /// <summary>Commits the batch (its attachments were written by <see cref="WriteBlobsAsync"/>).</summary>
    public async Task SaveAsync(CancellationToken cancellationToken) => await Db.SaveChangesAsync(cancellationToken);
}

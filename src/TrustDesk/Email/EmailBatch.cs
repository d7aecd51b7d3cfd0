using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Data;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;

namespace TrustDesk.Email;

/// <summary>
/// The state of one processing batch: one DbContext, the rules in force, and what earlier messages of the batch created
/// but has not been saved yet (a reply in the same batch as the message it answers still finds its case).
/// </summary>
public sealed class EmailBatch(TrustDeskDb db, DateTime now, CategoryCatalog.Snapshot catalog, CompiledRulePack rules)
{
    private readonly Dictionary<Guid, Subject?> _subjects = [];

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

    public Dictionary<string, Contact> ContactsByEmail { get; } = new(StringComparer.Ordinal);

    /// <summary>A subject rules read facts of (the sender's account, the case's subject), loaded once per batch.</summary>
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
}

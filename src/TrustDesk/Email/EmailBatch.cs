using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Email;

/// <summary>
/// The state of one processing batch: one DbContext, and what earlier messages of the batch created but has not been
/// saved yet (a reply in the same batch as the message it answers still finds its case).
/// </summary>
public sealed class EmailBatch(TrustDeskDb db, DateTime now, CategoryCatalog.Snapshot catalog)
{
    public TrustDeskDb Db { get; } = db;
    public DateTime Now { get; } = now;
    public CategoryCatalog.Snapshot Catalog { get; } = catalog;

    /// <summary>Message-ID to the case its message went to, for messages of this batch.</summary>
    public Dictionary<string, Case> CasesByMessageId { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Contact> ContactsByEmail { get; } = new(StringComparer.Ordinal);
}

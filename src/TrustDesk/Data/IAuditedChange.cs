namespace TrustDesk.Data;

/// <summary>
/// A row whose insertion is itself an audited change (a case event): every save appends its audit entry to the chain
/// in the same transaction, so no such change is committed without one.
/// </summary>
public interface IAuditedChange
{
    AuditRecord ToAuditRecord(string? ip);
}

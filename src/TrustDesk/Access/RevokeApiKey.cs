using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Data;

namespace TrustDesk.Access;

/// <summary>Revokes a platform API key: it stops working at once, on every node (the cache is told).</summary>
public sealed class RevokeApiKey(TrustDeskDb db, ApiKeyCache cache, TimeProvider time)
{
    /// <returns>False when there is no such key.</returns>
    public async Task<bool> HandleAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        key.Revoke(now);
        db.Audit(AuditRecords.By(caller, now, "api_key.revoked", "api_key", id.ToString(), key.Name, db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        cache.Revoked(key.Hash);
        return true;
    }
}

using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Api;

/// <summary>The tables the API plumbing owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class ApiTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<IdempotencyRecord> IdempotencyRecords => db.Set<IdempotencyRecord>();
    }
}

using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Access;

/// <summary>The tables Access owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class AccessTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<ApiKey> ApiKeys => db.Set<ApiKey>();
    }
}

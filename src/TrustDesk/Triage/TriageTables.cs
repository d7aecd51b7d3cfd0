using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Triage;

/// <summary>The tables Triage owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class TriageTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<StoredRule> Rules => db.Set<StoredRule>();
    }
}

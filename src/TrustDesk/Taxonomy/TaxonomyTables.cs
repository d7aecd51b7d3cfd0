using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Taxonomy;

/// <summary>The tables Taxonomy owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class TaxonomyTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<Category> Categories => db.Set<Category>();
    }
}

using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Metrics;

/// <summary>The tables Metrics owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class MetricTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<MetricRollup> MetricRollups => db.Set<MetricRollup>();
        public DbSet<CsatSurvey> CsatSurveys => db.Set<CsatSurvey>();
        public DbSet<CsatLinkKey> CsatLinkKeys => db.Set<CsatLinkKey>();
    }
}

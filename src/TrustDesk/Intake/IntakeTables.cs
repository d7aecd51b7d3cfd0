using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Intake;

/// <summary>The tables Intake owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class IntakeTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<PlatformEvent> Events => db.Set<PlatformEvent>();
        public DbSet<PlatformEventSubject> EventSubjects => db.Set<PlatformEventSubject>();
        public DbSet<Report> Reports => db.Set<Report>();
    }
}

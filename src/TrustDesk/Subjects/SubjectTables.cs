using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Subjects;

/// <summary>The tables Subjects owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class SubjectTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<PlatformEvent> Events => db.Set<PlatformEvent>();
        public DbSet<PlatformEventSubject> EventSubjects => db.Set<PlatformEventSubject>();
        public DbSet<Subject> Subjects => db.Set<Subject>();
        public DbSet<SubjectLink> SubjectLinks => db.Set<SubjectLink>();
        public DbSet<SubjectIdentifier> SubjectIdentifiers => db.Set<SubjectIdentifier>();
    }
}

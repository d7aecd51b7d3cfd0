using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.AgentConsole;

/// <summary>The tables the console owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class ConsoleTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<SavedView> SavedViews => db.Set<SavedView>();
        public DbSet<Macro> Macros => db.Set<Macro>();
    }
}

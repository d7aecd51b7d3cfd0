using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Shifts;

/// <summary>The tables Shifts owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class ShiftTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<Team> Teams => db.Set<Team>();
        public DbSet<ShiftPattern> ShiftPatterns => db.Set<ShiftPattern>();
        public DbSet<ScheduleException> ScheduleExceptions => db.Set<ScheduleException>();
        public DbSet<AgentAvailability> AgentAvailabilities => db.Set<AgentAvailability>();
        public DbSet<QueueRouting> QueueRoutings => db.Set<QueueRouting>();
        public DbSet<AgentSkills> AgentSkills => db.Set<AgentSkills>();
    }
}

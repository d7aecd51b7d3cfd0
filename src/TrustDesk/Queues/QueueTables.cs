using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Queues;

/// <summary>The tables Queues owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class QueueTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<Queue> Queues => db.Set<Queue>();
    }
}

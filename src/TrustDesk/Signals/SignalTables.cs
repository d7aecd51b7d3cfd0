using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Signals;

/// <summary>The tables Signals owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class SignalTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<SignalBucket> SignalBuckets => db.Set<SignalBucket>();
    }
}

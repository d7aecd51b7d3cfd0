using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Contacts;

/// <summary>The tables Contacts owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class ContactTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<Contact> Contacts => db.Set<Contact>();
    }
}

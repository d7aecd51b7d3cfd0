using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Email;

/// <summary>The tables Email owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class EmailTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<InboundEmail> InboundEmails => db.Set<InboundEmail>();
        public DbSet<OutboundEmail> OutboundEmails => db.Set<OutboundEmail>();
        public DbSet<ImapMailboxState> ImapMailboxStates => db.Set<ImapMailboxState>();
    }
}

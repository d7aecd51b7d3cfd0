using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>The tables Cases owns, as sets on the one DbContext (their mappings sit beside each entity).</summary>
public static class CaseTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<Report> Reports => db.Set<Report>();
        public DbSet<RecordedRuleHit> RuleHits => db.Set<RecordedRuleHit>();
        public DbSet<ProposedAction> ProposedActions => db.Set<ProposedAction>();
        public DbSet<Case> Cases => db.Set<Case>();
        public DbSet<CaseEvent> CaseEvents => db.Set<CaseEvent>();
        public DbSet<Message> Messages => db.Set<Message>();
        public DbSet<CaseSubject> CaseSubjects => db.Set<CaseSubject>();
        public DbSet<Escalation> Escalations => db.Set<Escalation>();
        public DbSet<MessageAttachment> MessageAttachments => db.Set<MessageAttachment>();
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using TrustDesk.Access;
using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Email;
using TrustDesk.Intake;
using TrustDesk.Queues;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Web;

namespace TrustDesk.Data;

/// <summary>
/// The one DbContext. Provider-specific parts (full-text search) live in <see cref="SqliteTrustDeskDb"/> and
/// <see cref="PostgresTrustDeskDb"/>, which also own their migrations.
/// </summary>
public abstract class TrustDeskDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CaseEvent> CaseEvents => Set<CaseEvent>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<CaseSubject> CaseSubjects => Set<CaseSubject>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Subject> Subjects => Set<Subject>();
    public DbSet<SubjectLink> SubjectLinks => Set<SubjectLink>();
    public DbSet<SubjectIdentifier> SubjectIdentifiers => Set<SubjectIdentifier>();
    public DbSet<PlatformEvent> Events => Set<PlatformEvent>();
    public DbSet<PlatformEventSubject> EventSubjects => Set<PlatformEventSubject>();
    public DbSet<Report> Reports => Set<Report>();
    public DbSet<Queue> Queues => Set<Queue>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<MessageAttachment> MessageAttachments => Set<MessageAttachment>();
    public DbSet<InboundEmail> InboundEmails => Set<InboundEmail>();
    public DbSet<OutboundEmail> OutboundEmails => Set<OutboundEmail>();
    public DbSet<ImapMailboxState> ImapMailboxStates => Set<ImapMailboxState>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Everything is stored in UTC; SQLite hands DateTimes back without a kind, so say it on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Case>(b =>
        {
            b.Property(c => c.Id).ValueGeneratedOnAdd();
            b.Property(c => c.Title).HasMaxLength(Case.TitleMaxLength);
            b.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
            b.Property(c => c.Severity).HasConversion<int>();
            b.Property(c => c.Category).HasMaxLength(64);
            b.Property(c => c.Assignee).HasMaxLength(200);
            b.Property(c => c.Channel).HasConversion<string>().HasMaxLength(20);
            b.Property(c => c.ClusterKey).HasMaxLength(120);
            b.Property(c => c.Version).IsConcurrencyToken();
            b.PrimitiveCollection(c => c.Tags).HasField("_tags").UsePropertyAccessMode(PropertyAccessMode.Field);
            b.Ignore(c => c.Number);
            b.HasIndex(c => c.ClusterKey).IsUnique();
            b.HasIndex(c => new { c.Status, c.Severity, c.Id });
            b.HasIndex(c => new { c.QueueId, c.Status });
            b.HasIndex(c => c.UpdatedAt);
            b.HasIndex(c => c.Assignee);
            b.HasOne<Queue>().WithMany().HasForeignKey(c => c.QueueId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Contact>().WithMany().HasForeignKey(c => c.RequesterId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(c => c.Events).WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(c => c.Messages).WithOne(m => m.Case).HasForeignKey(m => m.CaseId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(c => c.Subjects).WithOne().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Cascade);
            b.Navigation(c => c.Events).UsePropertyAccessMode(PropertyAccessMode.Field);
            b.Navigation(c => c.Messages).UsePropertyAccessMode(PropertyAccessMode.Field);
            b.Navigation(c => c.Subjects).UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        modelBuilder.Entity<CaseEvent>(b =>
        {
            b.Property(e => e.Id).ValueGeneratedNever();
            b.Property(e => e.Kind).HasMaxLength(40);
            b.Property(e => e.ActorType).HasMaxLength(20);
            b.Property(e => e.ActorId).HasMaxLength(64);
            b.Property(e => e.ActorName).HasMaxLength(200);
            b.HasIndex(e => new { e.CaseId, e.At });
        });

        modelBuilder.Entity<Message>(b =>
        {
            b.Property(m => m.Id).ValueGeneratedNever();
            b.Property(m => m.Direction).HasConversion<string>().HasMaxLength(20);
            b.Property(m => m.Channel).HasConversion<string>().HasMaxLength(20);
            b.Property(m => m.AuthorType).HasMaxLength(20);
            b.Property(m => m.AuthorId).HasMaxLength(64);
            b.Property(m => m.AuthorName).HasMaxLength(200);
            b.Property(m => m.ExternalId).HasMaxLength(998);
            b.Property(m => m.DeliveryState).HasMaxLength(20);
            b.HasIndex(m => new { m.CaseId, m.CreatedAt });
            b.HasIndex(m => m.ExternalId);
        });

        modelBuilder.Entity<CaseSubject>(b =>
        {
            b.HasKey(s => new { s.CaseId, s.SubjectId, s.Role });
            b.Property(s => s.Role).HasConversion<string>().HasMaxLength(20);
            b.HasOne(s => s.Subject).WithMany().HasForeignKey(s => s.SubjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(s => s.SubjectId);
        });

        modelBuilder.Entity<Contact>(b =>
        {
            b.Property(c => c.Id).ValueGeneratedNever();
            b.Property(c => c.Email).HasMaxLength(320);
            b.Property(c => c.Name).HasMaxLength(200);
            b.Property(c => c.Locale).HasMaxLength(35);
            b.HasIndex(c => c.Email);
        });

        modelBuilder.Entity<Subject>(b =>
        {
            b.Property(s => s.Id).ValueGeneratedNever();
            b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
            b.Property(s => s.ExternalId).HasMaxLength(Subject.ExternalIdMaxLength);
            b.Property(s => s.DisplayName).HasMaxLength(Subject.DisplayNameMaxLength);
            b.HasIndex(s => new { s.Kind, s.ExternalId }).IsUnique();
            b.HasMany(s => s.Links).WithOne().HasForeignKey(l => l.FromSubjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(s => s.Identifiers).WithOne().HasForeignKey(i => i.SubjectId).OnDelete(DeleteBehavior.Cascade);
            b.Navigation(s => s.Links).UsePropertyAccessMode(PropertyAccessMode.Field);
            b.Navigation(s => s.Identifiers).UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        modelBuilder.Entity<SubjectLink>(b =>
        {
            b.Property(l => l.Id).ValueGeneratedNever();
            b.Property(l => l.Relation).HasMaxLength(SubjectLink.RelationMaxLength);
            b.HasOne(l => l.To).WithMany().HasForeignKey(l => l.ToSubjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(l => new { l.FromSubjectId, l.Relation, l.ToSubjectId }).IsUnique();
            b.HasIndex(l => l.ToSubjectId);
        });

        modelBuilder.Entity<SubjectIdentifier>(b =>
        {
            b.Property(i => i.Id).ValueGeneratedNever();
            b.Property(i => i.Type).HasConversion<string>().HasMaxLength(24);
            b.Property(i => i.Value).HasMaxLength(SubjectIdentifier.ValueMaxLength);
            b.HasIndex(i => new { i.Type, i.Value });
            b.HasIndex(i => new { i.SubjectId, i.Type, i.Value }).IsUnique();
        });

        modelBuilder.Entity<PlatformEvent>(b =>
        {
            b.Property(e => e.Id).ValueGeneratedNever();
            b.Property(e => e.ExternalId).HasMaxLength(Subject.ExternalIdMaxLength);
            b.Property(e => e.Type).HasMaxLength(PlatformEvent.TypeMaxLength);
            b.HasIndex(e => e.ExternalId).IsUnique();
            b.HasIndex(e => new { e.Type, e.OccurredAt });
            b.HasMany(e => e.Subjects).WithOne().HasForeignKey(s => s.EventId).OnDelete(DeleteBehavior.Cascade);
            b.Navigation(e => e.Subjects).UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        modelBuilder.Entity<PlatformEventSubject>(b =>
        {
            b.HasKey(s => new { s.EventId, s.SubjectId, s.Role });
            b.Property(s => s.Role).HasMaxLength(PlatformEventSubject.RoleMaxLength);
            b.HasOne<Subject>().WithMany().HasForeignKey(s => s.SubjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(s => s.SubjectId);
        });

        modelBuilder.Entity<Report>(b =>
        {
            b.Property(r => r.Id).ValueGeneratedNever();
            b.Property(r => r.Category).HasMaxLength(64);
            b.Property(r => r.ReasonCode).HasMaxLength(Report.ReasonMaxLength);
            b.Property(r => r.Text).HasMaxLength(Report.TextMaxLength);
            b.Property(r => r.ExternalId).HasMaxLength(Subject.ExternalIdMaxLength);
            b.HasOne(r => r.Case).WithMany().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Subject>().WithMany().HasForeignKey(r => r.SubjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Subject>().WithMany().HasForeignKey(r => r.ReporterSubjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(r => new { r.SubjectId, r.CreatedAt });
            b.HasIndex(r => r.CaseId);
        });

        modelBuilder.Entity<Queue>(b =>
        {
            b.Property(q => q.Id).ValueGeneratedNever();
            b.Property(q => q.Name).HasMaxLength(64);
            b.Property(q => q.Description).HasMaxLength(400);
            b.HasIndex(q => q.Name).IsUnique();
            b.HasData(DefaultQueues.All.Select(q => new { q.Id, q.Name, q.Description }));
        });

        modelBuilder.Entity<Category>(b =>
        {
            b.HasKey(c => c.Code);
            b.Property(c => c.Code).HasMaxLength(64);
            b.Property(c => c.Title).HasMaxLength(200);
            b.Property(c => c.DefaultSeverity).HasConversion<int>();
            b.Property(c => c.DefaultQueue).HasMaxLength(64);
            b.Property(c => c.Departments).HasMaxLength(400);
            b.HasData(DefaultTaxonomy.All.Select(c => new
            {
                c.Code, c.Title, c.DefaultSeverity, c.DefaultQueue, c.Departments, c.Restricted,
            }));
        });

        modelBuilder.Entity<ApiKey>(b =>
        {
            b.Property(k => k.Id).ValueGeneratedNever();
            b.Property(k => k.Name).HasMaxLength(200);
            b.Property(k => k.Hash).HasMaxLength(64);
            b.Property(k => k.DisplayPrefix).HasMaxLength(16);
            b.HasIndex(k => k.Hash).IsUnique();
        });

        modelBuilder.Entity<IdempotencyRecord>(b =>
        {
            b.HasKey(r => new { r.ClientId, r.Key });
            b.Property(r => r.ClientId).HasMaxLength(64);
            b.Property(r => r.Key).HasMaxLength(IdempotencyRecord.KeyMaxLength);
            b.Property(r => r.RequestHash).HasMaxLength(64);
            b.Property(r => r.Operation).HasMaxLength(64);
            b.Property(r => r.ResourceId).HasMaxLength(64);
            b.HasIndex(r => r.CreatedAt);
        });

        modelBuilder.ConfigureEmailModel();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

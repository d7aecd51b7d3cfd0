using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using TrustDesk.Access;
using TrustDesk.Audit;
using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Identity;
using TrustDesk.Email;
using TrustDesk.Intake;
using TrustDesk.Queues;
using TrustDesk.Signals;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;
using TrustDesk.Web;

namespace TrustDesk.Data;

/// <summary>
/// The one DbContext. Provider-specific parts (full-text search) live in <see cref="SqliteTrustDeskDb"/> and
/// <see cref="PostgresTrustDeskDb"/>, which also own their migrations. ASP.NET Core Identity's user tables live here
/// too (users only: a user's one role is a column, and <see cref="Permissions"/> maps it).
/// </summary>
public abstract class TrustDeskDb(DbContextOptions options, IHttpContextAccessor? httpContextAccessor)
    : IdentityUserContext<TrustDeskUser, Guid>(options)
{
    private readonly List<AuditRecord> _pendingAudit = [];

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
    public DbSet<SignalBucket> SignalBuckets => Set<SignalBucket>();
    public DbSet<StoredRule> Rules => Set<StoredRule>();
    public DbSet<RecordedRuleHit> RuleHits => Set<RecordedRuleHit>();
    public DbSet<ProposedAction> ProposedActions => Set<ProposedAction>();
    public DbSet<Escalation> Escalations => Set<Escalation>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>Where the current request comes from, for the audit trail; null outside a request.</summary>
    public string? RequestIp => httpContextAccessor?.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>Queues an audit entry; the next <see cref="SaveChangesAsync(bool, CancellationToken)"/> appends it in the same transaction.</summary>
    public void Audit(AuditRecord record) => _pendingAudit.Add(record);

    /// <summary>
    /// Saves, and in the same transaction appends to the audit chain every queued entry and every new case event, so
    /// no change is committed without its audit entry.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var newEvents = ChangeTracker.Entries<CaseEvent>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (newEvents.Count == 0 && _pendingAudit.Count == 0)
        {
            return await SaveTrackedAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        var ownTransaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            // Saved first so that new cases have their ids, which their events' audit entries name.
            var saved = await SaveTrackedAsync(true, cancellationToken);
            var ip = RequestIp;
            var records = _pendingAudit.Concat(newEvents.Select(e => AuditChain.FromCaseEvent(e, ip))).ToList();
            _pendingAudit.Clear();
            await AuditChain.AppendAsync(this, records, cancellationToken);
            saved += await SaveTrackedAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            return saved;
        }
        catch
        {
            // Nothing committed, so the queued entries describe nothing that happened.
            _pendingAudit.Clear();
            throw;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// True during <see cref="SaveBatchAsync"/> on SQLite: added rows are written by <see cref="PreparedInserts"/>, which
    /// costs a third of EF Core's per-row work there. The audit append above runs the same either way.
    /// </summary>
    private bool _writeAddedRowsPrepared;

    /// <summary>One turn at a time for <see cref="SaveBatchAsync"/> on each SQLite database (by connection string).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> BatchWriterGates = new(StringComparer.Ordinal);

    /// <summary>
    /// The save of a batch writer (intake, email processing): changes are detected once, here, instead of by every
    /// Entries() and SaveChanges inside <paramref name="save"/> (each pass compares every property of every tracked
    /// entity, and a batch tracks thousands); on SQLite the added rows go through <see cref="PreparedInserts"/>.
    /// SaveChanges interceptors do not see those rows, so this returns the ids of the cases the save added or changed
    /// for the caller to publish once committed — empty where the interceptors saw everything (PostgreSQL).
    /// </summary>
    /// <remarks>
    /// On SQLite the batch writers of one process take turns here, one per database file. SQLite has one writer at a
    /// time, and a transaction that finds the file locked is retried by Microsoft.Data.Sqlite after a fixed 150 ms sleep:
    /// measured with email processing on, the intake writer slept a third of its time in those retries while the SMTP
    /// senders waited for their 250. Waiting here hands the lock over the moment the other batch commits.
    /// </remarks>
    internal async Task<IReadOnlyCollection<long>> SaveBatchAsync(Func<Task> save)
    {
        ChangeTracker.DetectChanges();
        var touchedCases = ChangeTracker.Entries<Case>().Where(e => e.State is EntityState.Added or EntityState.Modified).Select(e => e.Entity).ToList();
        var autoDetect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        _writeAddedRowsPrepared = this is SqliteTrustDeskDb;
        var gate = this is SqliteTrustDeskDb ? BatchWriterGates.GetOrAdd(Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1)) : null;
        if (gate is not null)
        {
            await gate.WaitAsync();
        }

        try
        {
            await save();
        }
        finally
        {
            gate?.Release();

            // The context is pooled: its next user saves the ordinary way.
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
            _writeAddedRowsPrepared = false;
        }

        return this is SqliteTrustDeskDb ? touchedCases.Select(c => c.Id).ToHashSet() : [];
    }

    private Task<int> SaveTrackedAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken) =>
        _writeAddedRowsPrepared
            ? PreparedInserts.SaveChangesAsync(this, token => base.SaveChangesAsync(acceptAllChangesOnSuccess, token), callerStandsInForInterceptors: true, cancellationToken)
            : base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (_pendingAudit.Count > 0 || ChangeTracker.Entries<CaseEvent>().Any(e => e.State == EntityState.Added))
        {
            throw new InvalidOperationException("Changes that are audited are saved with SaveChangesAsync.");
        }

        return base.SaveChanges(acceptAllChangesOnSuccess);
    }
    public DbSet<MessageAttachment> MessageAttachments => Set<MessageAttachment>();
    public DbSet<InboundEmail> InboundEmails => Set<InboundEmail>();
    public DbSet<OutboundEmail> OutboundEmails => Set<OutboundEmail>();
    public DbSet<ImapMailboxState> ImapMailboxStates => Set<ImapMailboxState>();
    public DbSet<AgentConsole.SavedView> SavedViews => Set<AgentConsole.SavedView>();
    public DbSet<AgentConsole.Macro> Macros => Set<AgentConsole.Macro>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Everything is stored in UTC; SQLite hands DateTimes back without a kind, so say it on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        AgentConsole.ConsoleModel.Configure(builder);
        builder.Entity<TrustDeskUser>(b =>
        {
            b.Property(u => u.DisplayName).HasMaxLength(TrustDeskUser.DisplayNameMaxLength);
            b.Property(u => u.Role).HasConversion<string>().HasMaxLength(20);
            b.Property(u => u.Department).HasMaxLength(40);
        });

        builder.Entity<UserSession>(b =>
        {
            b.Property(s => s.Id).ValueGeneratedNever();
            b.Property(s => s.Hash).HasMaxLength(64);
            b.Property(s => s.EndReason).HasMaxLength(20);
            b.Property(s => s.Ip).HasMaxLength(64);
            b.HasIndex(s => s.Hash).IsUnique();
            b.HasIndex(s => new { s.UserId, s.EndedAt });
            b.HasOne<TrustDeskUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<PersonalAccessToken>(b =>
        {
            b.Property(t => t.Id).ValueGeneratedNever();
            b.Property(t => t.Name).HasMaxLength(PersonalAccessToken.NameMaxLength);
            b.Property(t => t.Hash).HasMaxLength(64);
            b.Property(t => t.DisplayPrefix).HasMaxLength(16);
            b.HasIndex(t => t.Hash).IsUnique();
            b.HasIndex(t => t.UserId);
            b.HasOne<TrustDeskUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Escalation>(b =>
        {
            b.Property(e => e.Id).ValueGeneratedNever();
            b.Property(e => e.Department).HasMaxLength(40);
            b.Property(e => e.Note).HasMaxLength(Escalation.NoteMaxLength);
            b.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
            b.Property(e => e.CreatedById).HasMaxLength(64);
            b.HasOne<Case>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(e => new { e.Department, e.CaseId });
            b.HasIndex(e => e.CaseId);
        });

        builder.Entity<AuditEntry>(b =>
        {
            b.ToTable("AuditEntries");
            b.HasKey(e => e.Sequence);
            b.Property(e => e.Sequence).ValueGeneratedNever();
            b.Property(e => e.ActorType).HasMaxLength(20);
            b.Property(e => e.ActorId).HasMaxLength(64);
            b.Property(e => e.ActorName).HasMaxLength(200);
            b.Property(e => e.Action).HasMaxLength(AuditEntry.ActionMaxLength);
            b.Property(e => e.TargetType).HasMaxLength(40);
            b.Property(e => e.TargetId).HasMaxLength(200);
            b.Property(e => e.Detail).HasMaxLength(AuditEntry.DetailMaxLength);
            b.Property(e => e.Ip).HasMaxLength(64);
            b.Property(e => e.PreviousHash).HasMaxLength(64);
            b.Property(e => e.Hash).HasMaxLength(64);
            b.HasIndex(e => e.At);
            b.HasIndex(e => new { e.Action, e.Sequence });
            b.HasIndex(e => new { e.TargetType, e.TargetId });
            b.HasIndex(e => new { e.ActorId, e.Sequence });
        });

        builder.Entity<Case>(b =>
        {
            b.Property(c => c.Id).ValueGeneratedOnAdd();
            b.Property(c => c.Title).HasMaxLength(Case.TitleMaxLength);
            b.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
            b.Property(c => c.Severity).HasConversion<int>();
            b.Property(c => c.Category).HasMaxLength(64);
            b.Property(c => c.Assignee).HasMaxLength(200);
            b.Property(c => c.Channel).HasConversion<string>().HasMaxLength(20);
            b.Property(c => c.ClusterKey).HasMaxLength(120);
            b.Property(c => c.Resolution).HasMaxLength(20);
            b.Property(c => c.Version).IsConcurrencyToken();
            b.PrimitiveCollection(c => c.Tags).HasField("_tags").UsePropertyAccessMode(PropertyAccessMode.Field);
            b.Ignore(c => c.Number);
            b.HasIndex(c => c.ClusterKey).IsUnique();
            b.HasIndex(c => new { c.Status, c.Band, c.Id });
            b.HasIndex(c => c.PrimarySubjectId);
            b.HasIndex(c => new { c.QueueId, c.Status });
            b.HasIndex(c => c.UpdatedAt);
            // Partial: most cases (every reported one) have no assignee or requester when they open, and an entry for
            // each would be one more index page written per report; "= value" look-ups use the index as before.
            b.HasIndex(c => c.Assignee).HasFilter("\"Assignee\" IS NOT NULL");
            b.HasIndex(c => c.RequesterId).HasFilter("\"RequesterId\" IS NOT NULL");
            b.HasOne<Queue>().WithMany().HasForeignKey(c => c.QueueId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Contact>().WithMany().HasForeignKey(c => c.RequesterId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(c => c.Events).WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(c => c.Messages).WithOne(m => m.Case).HasForeignKey(m => m.CaseId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(c => c.Subjects).WithOne().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Cascade);
            b.Navigation(c => c.Events).UsePropertyAccessMode(PropertyAccessMode.Field);
            b.Navigation(c => c.Messages).UsePropertyAccessMode(PropertyAccessMode.Field);
            b.Navigation(c => c.Subjects).UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        builder.Entity<CaseEvent>(b =>
        {
            b.Property(e => e.Id).ValueGeneratedNever();
            b.Property(e => e.Kind).HasMaxLength(40);
            b.Property(e => e.ActorType).HasMaxLength(20);
            b.Property(e => e.ActorId).HasMaxLength(64);
            b.Property(e => e.ActorName).HasMaxLength(200);
            b.HasIndex(e => new { e.CaseId, e.At });
        });

        builder.Entity<Message>(b =>
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
            // Partial: only email messages have one (their Message-ID); a report's message would add an entry for nothing.
            b.HasIndex(m => m.ExternalId).HasFilter("\"ExternalId\" IS NOT NULL");
        });

        builder.Entity<CaseSubject>(b =>
        {
            b.HasKey(s => new { s.CaseId, s.SubjectId, s.Role });
            b.Property(s => s.Role).HasConversion<string>().HasMaxLength(20);
            b.HasOne(s => s.Subject).WithMany().HasForeignKey(s => s.SubjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(s => s.SubjectId);
        });

        builder.Entity<Contact>(b =>
        {
            b.Property(c => c.Id).ValueGeneratedNever();
            b.Property(c => c.Email).HasMaxLength(320);
            b.Property(c => c.Name).HasMaxLength(200);
            b.Property(c => c.Locale).HasMaxLength(35);
            b.HasIndex(c => c.Email);
        });

        builder.Entity<Subject>(b =>
        {
            b.Property(s => s.Id).ValueGeneratedNever();
            b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
            b.Property(s => s.ExternalId).HasMaxLength(Subject.ExternalIdMaxLength);
            b.Property(s => s.DisplayName).HasMaxLength(Subject.DisplayNameMaxLength);
            b.Property(s => s.Status).HasMaxLength(20);
            b.HasIndex(s => new { s.Kind, s.ExternalId }).IsUnique();
            b.Property<DateTime?>("_liveChangedAt").HasColumnName("LiveChangedAt");
            b.HasMany(s => s.Links).WithOne().HasForeignKey(l => l.FromSubjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(s => s.Identifiers).WithOne().HasForeignKey(i => i.SubjectId).OnDelete(DeleteBehavior.Cascade);
            b.Navigation(s => s.Links).UsePropertyAccessMode(PropertyAccessMode.Field);
            b.Navigation(s => s.Identifiers).UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        builder.Entity<SubjectLink>(b =>
        {
            b.Property(l => l.Id).ValueGeneratedNever();
            b.Property(l => l.Relation).HasMaxLength(SubjectLink.RelationMaxLength);
            b.HasOne(l => l.To).WithMany().HasForeignKey(l => l.ToSubjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(l => new { l.FromSubjectId, l.Relation, l.ToSubjectId }).IsUnique();
            b.HasIndex(l => l.ToSubjectId);
        });

        builder.Entity<SubjectIdentifier>(b =>
        {
            b.Property(i => i.Id).ValueGeneratedNever();
            b.Property(i => i.Type).HasConversion<string>().HasMaxLength(24);
            b.Property(i => i.Value).HasMaxLength(SubjectIdentifier.ValueMaxLength);
            b.HasIndex(i => new { i.Type, i.Value });
            b.HasIndex(i => new { i.SubjectId, i.Type, i.Value }).IsUnique();
        });

        builder.Entity<PlatformEvent>(b =>
        {
            b.Property(e => e.Id).ValueGeneratedNever();
            b.Property(e => e.ExternalId).HasMaxLength(Subject.ExternalIdMaxLength);
            b.Property(e => e.Type).HasMaxLength(PlatformEvent.TypeMaxLength);
            b.HasIndex(e => e.ExternalId).IsUnique();
            b.HasIndex(e => new { e.Type, e.OccurredAt });
            b.HasMany(e => e.Subjects).WithOne().HasForeignKey(s => s.EventId).OnDelete(DeleteBehavior.Cascade);
            b.Navigation(e => e.Subjects).UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        builder.Entity<PlatformEventSubject>(b =>
        {
            b.HasKey(s => new { s.EventId, s.SubjectId, s.Role });
            b.Property(s => s.Role).HasMaxLength(PlatformEventSubject.RoleMaxLength);
            b.HasOne<Subject>().WithMany().HasForeignKey(s => s.SubjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(s => s.SubjectId);
        });

        builder.Entity<Report>(b =>
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

        builder.Entity<Queue>(b =>
        {
            b.Property(q => q.Id).ValueGeneratedNever();
            b.Property(q => q.Name).HasMaxLength(64);
            b.Property(q => q.Description).HasMaxLength(400);
            b.HasIndex(q => q.Name).IsUnique();
            b.HasData(DefaultQueues.All.Select(q => new { q.Id, q.Name, q.Description }));
        });

        builder.Entity<Category>(b =>
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

        builder.Entity<ApiKey>(b =>
        {
            b.Property(k => k.Id).ValueGeneratedNever();
            b.Property(k => k.Name).HasMaxLength(200);
            b.Property(k => k.Hash).HasMaxLength(64);
            b.Property(k => k.DisplayPrefix).HasMaxLength(16);
            b.HasIndex(k => k.Hash).IsUnique();
        });

        builder.Entity<SignalBucket>(b =>
        {
            b.HasKey(x => new { x.SubjectId, x.Name, x.Resolution, x.BucketStart });
            b.Property(x => x.Name).HasMaxLength(120);
            b.Property(x => x.Resolution).HasConversion<int>();
            b.HasOne<Subject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => new { x.Resolution, x.BucketStart });
        });

        builder.Entity<StoredRule>(b =>
        {
            b.Property(r => r.Id).ValueGeneratedNever();
            b.Property(r => r.Name).HasMaxLength(120);
            b.Property(r => r.State).HasConversion<string>().HasMaxLength(10);
            b.Property(r => r.Text).HasMaxLength(StoredRule.TextMaxLength);
            b.Property(r => r.Description).HasMaxLength(1_000);
            b.Property(r => r.Author).HasMaxLength(200);
            b.HasIndex(r => new { r.Name, r.Version }).IsUnique();
        });

        builder.Entity<RecordedRuleHit>(b =>
        {
            b.Property(h => h.Id).ValueGeneratedNever();
            b.Property(h => h.Rule).HasMaxLength(120);
            b.Property(h => h.Trigger).HasMaxLength(80);
            b.HasOne(h => h.Case).WithMany().HasForeignKey(h => h.CaseId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Subject>().WithMany().HasForeignKey(h => h.SubjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(h => new { h.CaseId, h.At });
            b.HasIndex(h => new { h.Rule, h.At });
        });

        builder.Entity<ProposedAction>(b =>
        {
            b.Property(p => p.Id).ValueGeneratedNever();
            b.Property(p => p.Action).HasMaxLength(32);
            b.Property(p => p.Target).HasMaxLength(200);
            b.Property(p => p.Policy).HasMaxLength(64);
            b.Property(p => p.Rule).HasMaxLength(120);
            b.Property(p => p.Status).HasMaxLength(20);
            b.HasOne(p => p.Case).WithMany().HasForeignKey(p => p.CaseId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Subject>().WithMany().HasForeignKey(p => p.TargetSubjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(p => new { p.CaseId, p.Status });
        });

        builder.Entity<IdempotencyRecord>(b =>
        {
            b.HasKey(r => new { r.ClientId, r.Key });
            b.Property(r => r.ClientId).HasMaxLength(64);
            b.Property(r => r.Key).HasMaxLength(IdempotencyRecord.KeyMaxLength);
            b.Property(r => r.RequestHash).HasMaxLength(64);
            b.Property(r => r.Operation).HasMaxLength(64);
            b.Property(r => r.ResourceId).HasMaxLength(64);
            b.HasIndex(r => r.CreatedAt);
        });

        builder.ConfigureEmailModel();
        builder.ApplyConfigurationsFromAssembly(typeof(TrustDeskDb).Assembly);
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

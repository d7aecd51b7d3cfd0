using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace TrustDesk.Data;

/// <summary>
/// The one DbContext. Provider-specific parts (full-text search) live in <see cref="SqliteTrustDeskDb"/> and
/// <see cref="PostgresTrustDeskDb"/>, which also own their migrations. It knows no feature: each feature maps its own
/// tables (an <see cref="IEntityTypeConfiguration{TEntity}"/> beside each entity) and exposes them as extension
/// properties (<c>db.Cases</c> is Cases' own). What it does own is what every save shares: the audit chain.
/// </summary>
public abstract class TrustDeskDb(DbContextOptions options, IHttpContextAccessor? httpContextAccessor)
    : DbContext(options)
{
    private readonly List<AuditRecord> _pendingAudit = [];
    private readonly List<object> _pendingCounters = [];

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>
    /// True where several nodes may write at once (PostgreSQL): writers then serialise on what they share (a cluster
    /// key, a subject) instead of relying on the database taking one writer at a time, as SQLite does.
    /// </summary>
    public virtual bool SharedByNodes => false;

    /// <summary>
    /// Whether a batch writes its rows untracked, straight through the connection (<see cref="UntrackedWrites"/>): on
    /// SQLite, whose one writer's cost is EF Core's change tracking, and on a PostgreSQL shared by nodes, where one round
    /// trip per batch is what counts. Elsewhere EF Core's tracked save is the simpler and as fast path.
    /// </summary>
    public bool WritesUntracked => this is SqliteTrustDeskDb || SharedByNodes;

    /// <summary>Where the current request comes from, for the audit trail; null outside a request.</summary>
    public string? RequestIp => httpContextAccessor?.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>Queues an audit entry; the next <see cref="SaveChangesAsync(bool, CancellationToken)"/> appends it in the same transaction.</summary>
    public void Audit(AuditRecord record) => _pendingAudit.Add(record);

    /// <summary>
    /// Queues counter rows (<see cref="CounterRows"/>): the next <see cref="SaveChangesAsync(bool, CancellationToken)"/> adds
    /// them to the stored rows in the same transaction as the change they count.
    /// </summary>
    public void AddToCounters(IEnumerable<object> rows) => _pendingCounters.AddRange(rows);

    /// <summary>
    /// While set, saves leave the queued counter rows for <see cref="WritePendingCountersAsync"/>. The PostgreSQL group
    /// commit writes them last, just before it commits: every transaction adds to the same few rows (this hour's totals),
    /// and a row added to stays locked until the commit, so the later they are written the shorter other nodes wait.
    /// </summary>
    internal bool DeferCounters { get; set; }

    /// <summary>Writes the queued counter rows now, in the current transaction.</summary>
    internal async Task WritePendingCountersAsync(CancellationToken cancellationToken)
    {
        var counters = _pendingCounters.ToList();
        _pendingCounters.Clear();
        await CounterRows.AddAsync(this, counters, cancellationToken);
    }

    /// <summary>
    /// Saves, and in the same transaction appends to the audit chain every queued entry and every new case event, so
    /// no change is committed without its audit entry.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        try
        {
            await SavingHooks.RunAsync(this, cancellationToken);
        }
        catch
        {
            // What the hooks queued counts a change that is not going to be saved.
            _pendingCounters.Clear();
            throw;
        }

        var newEvents = ChangeTracker.Entries<IAuditedChange>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (newEvents.Count == 0 && _pendingAudit.Count == 0 && (_pendingCounters.Count == 0 || DeferCounters))
        {
            return await SaveTrackedAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        var ownTransaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            // Saved first so that new cases have their ids, which their events' audit entries name.
            var saved = await SaveTrackedAsync(true, cancellationToken);
            var ip = RequestIp;
            var records = _pendingAudit.Concat(newEvents.Select(e => e.ToAuditRecord(ip))).ToList();
            _pendingAudit.Clear();
            if (records.Count > 0)
            {
                await AuditChain.AppendAsync(this, records, cancellationToken);
                saved += await SaveTrackedAsync(acceptAllChangesOnSuccess, cancellationToken);
            }

            if (!DeferCounters)
            {
                await WritePendingCountersAsync(cancellationToken);
            }

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
            _pendingCounters.Clear();
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
    /// SaveChanges interceptors do not see those rows, so this returns the keys (<paramref name="keyOf"/>) of the
    /// <typeparamref name="TPublished"/> entities the save added or changed, for the caller to publish once committed —
    /// empty where the interceptors saw everything (PostgreSQL).
    /// </summary>
    /// <remarks>
    /// On SQLite the batch writers of one process take turns here, one per database file. SQLite has one writer at a
    /// time, and a transaction that finds the file locked is retried by Microsoft.Data.Sqlite after a fixed 150 ms sleep:
    /// measured with email processing on, the intake writer slept a third of its time in those retries while the SMTP
    /// senders waited for their 250. Waiting here hands the lock over the moment the other batch commits.
    /// </remarks>
    internal async Task<IReadOnlyCollection<TKey>> SaveBatchAsync<TPublished, TKey>(Func<Task> save, Func<TPublished, TKey> keyOf) where TPublished : class
    {
        ChangeTracker.DetectChanges();
        var touched = ChangeTracker.Entries<TPublished>().Where(e => e.State is EntityState.Added or EntityState.Modified).Select(e => e.Entity).ToList();
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

        return this is SqliteTrustDeskDb ? touched.Select(keyOf).ToHashSet() : [];
    }

    private Task<int> SaveTrackedAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken) =>
        _writeAddedRowsPrepared
            ? PreparedInserts.SaveChangesAsync(this, token => base.SaveChangesAsync(acceptAllChangesOnSuccess, token), callerStandsInForInterceptors: true, cancellationToken)
            : base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (_pendingAudit.Count > 0 || _pendingCounters.Count > 0 || ChangeTracker.Entries<IAuditedChange>().Any(e => e.State == EntityState.Added))
        {
            throw new InvalidOperationException("Changes that are audited are saved with SaveChangesAsync.");
        }

        return base.SaveChanges(acceptAllChangesOnSuccess);
    }
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Everything is stored in UTC; SQLite hands DateTimes back without a kind, so say it on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // Each feature maps its own tables (an IEntityTypeConfiguration beside each entity); this context only lists
        // the conventions every table shares.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TrustDeskDb).Assembly);
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

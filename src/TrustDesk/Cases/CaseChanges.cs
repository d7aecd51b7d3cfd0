using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
namespace TrustDesk.Cases;

/// <summary>
/// Tells open consoles which cases changed, after the change is committed. In-process on one node; with PostgreSQL,
/// <see cref="PostgresCaseChangeRelay"/> also carries each node's changes to the others over LISTEN/NOTIFY.
/// </summary>
public sealed class CaseChanges
{
    private Channel<long[]>? _toOtherNodes;

    public event Action<IReadOnlyCollection<long>>? Changed;

    /// <summary>Cases this node's commits changed: told here at once, and to the other nodes when a relay runs.</summary>
    public void Publish(IReadOnlyCollection<long> caseIds)
    {
        if (caseIds.Count == 0)
        {
            return;
        }

        Deliver(caseIds);
        _toOtherNodes?.Writer.TryWrite([.. caseIds]);
    }

    /// <summary>The changes this node should hear about, whichever node made them.</summary>
    public void Deliver(IReadOnlyCollection<long> caseIds)
    {
        if (caseIds.Count == 0)
        {
            return;
        }

        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<IReadOnlyCollection<long>>)handler)(caseIds);
            }
            catch (ObjectDisposedException)
            {
                // A circuit that went away between its last render and this signal.
            }
        }
    }

    /// <summary>What <see cref="Publish"/> hands on for other nodes, from now on. Bounded: a relay that cannot keep up drops the oldest.</summary>
    internal ChannelReader<long[]> RelayToOtherNodes()
    {
        _toOtherNodes ??= System.Threading.Channels.Channel.CreateBounded<long[]>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        return _toOtherNodes.Reader;
    }
}

/// <summary>
/// Notes the cases a SaveChanges touches (a case row, a message, an event) and signals <see cref="CaseChanges"/> once
/// they are committed: at once for a plain SaveChanges, at the commit when it ran inside a transaction (saves with
/// audit entries do). Catches every writer path without each use case having to remember.
/// </summary>
public sealed class CaseChangeInterceptor : SaveChangesInterceptor
{
    private readonly CaseChanges _changes;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<object>> _saving = [];
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, HashSet<long>> _uncommitted = [];

    public CaseChangeInterceptor(CaseChanges changes)
    {
        _changes = changes;
        Transactions = new TransactionHook(this);
    }

    /// <summary>Register beside this one: it publishes what was saved inside a transaction when that commits.</summary>
    public DbTransactionInterceptor Transactions { get; }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        // Entities, not ids: a new case has its id only after the insert.
        var touched = context.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified && e.Entity is Case or Message or CaseEvent)
            .Select(e => e.Entity)
            .ToList();
        if (touched.Count > 0)
        {
            _saving.AddOrUpdate(context, touched);
        }
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !_saving.TryGetValue(context, out var touched))
        {
            return;
        }

        _saving.Remove(context);
        var ids = touched.Select(e => e switch
            {
                Case c => c.Id,
                Message m => m.CaseId,
                CaseEvent ev => ev.CaseId,
                _ => 0,
            })
            .Where(id => id > 0)
            .ToHashSet();
        if (context.Database.CurrentTransaction is null)
        {
            _changes.Publish(ids);
        }
        else
        {
            // Readers on other connections see nothing until the commit; telling them now would refresh too early.
            _uncommitted.GetOrCreateValue(context).UnionWith(ids);
        }
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && _uncommitted.TryGetValue(context, out var ids))
        {
            _uncommitted.Remove(context);
            _changes.Publish(ids);
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _saving.Remove(context);
            _uncommitted.Remove(context);
        }
    }

    private sealed class TransactionHook(CaseChangeInterceptor owner) : DbTransactionInterceptor
    {
        public override void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => owner.Committed(eventData.Context);

        public override Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            owner.Committed(eventData.Context);
            return Task.CompletedTask;
        }

        public override void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => owner.Forget(eventData.Context);

        public override Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            owner.Forget(eventData.Context);
            return Task.CompletedTask;
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>
/// One service-level target of a case (first reply, next reply, resolution) and its clock. The case owns the rows; the SLA
/// feature computes them (through <see cref="ICaseChangeObserver"/>), so the case model never needs to know calendars.
/// </summary>
/// <remarks>
/// The clock is kept as stretches: <see cref="Elapsed"/> is the open time used before the running stretch, which began at
/// <see cref="RunningSince"/> (null while paused). The due time is then one calendar addition away, and a pause, a resume or a
/// new severity changes two numbers instead of replaying the case's history.
/// </remarks>
public sealed class CaseTarget
{
    public const string FirstReply = "first_reply";
    public const string NextReply = "next_reply";
    public const string Resolution = "resolution";

    private CaseTarget()
    {
    }

    public CaseTarget(string kind, string calendar, TimeSpan target, DateTime startedAt)
    {
        Id = Guid.CreateVersion7(startedAt);
        Kind = kind;
        Calendar = calendar;
        Target = target;
        StartedAt = startedAt;
        RunningSince = startedAt;
    }

    public Guid Id { get; private set; }
    public long CaseId { get; private set; }

    /// <summary>first_reply, next_reply or resolution.</summary>
    public string Kind { get; private set; } = "";

    /// <summary>The business calendar the target counts in (by name).</summary>
    public string Calendar { get; private set; } = "";

    /// <summary>How much open time the target allows.</summary>
    public TimeSpan Target { get; private set; }

    public DateTime StartedAt { get; private set; }

    /// <summary>Open time used up before <see cref="RunningSince"/>.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>When the running stretch began; null while the clock is paused or the target is met.</summary>
    public DateTime? RunningSince { get; private set; }

    /// <summary>When the target runs out; null while paused or once met.</summary>
    public DateTime? DueAt { get; private set; }

    /// <summary>When the warning share of the target is used up (null once warned, paused or met).</summary>
    public DateTime? WarnAt { get; private set; }

    public DateTime? WarnedAt { get; private set; }
    public DateTime? MetAt { get; private set; }

    /// <summary>When the target ran out unmet: the due time it missed.</summary>
    public DateTime? BreachedAt { get; private set; }

    public bool IsMet => MetAt is not null;
    public bool IsPaused => MetAt is null && RunningSince is null;

    /// <summary>Sets the running stretch's due and warning times, as the SLA feature computed them.</summary>
    public void Schedule(DateTime? dueAt, DateTime? warnAt)
    {
        DueAt = dueAt;
        WarnAt = WarnedAt is null ? warnAt : null;
    }

    /// <summary>Stops the clock, keeping the open time used so far.</summary>
    public void Pause(TimeSpan usedInRunningStretch)
    {
        if (RunningSince is null || MetAt is not null)
        {
            return;
        }

        Elapsed += usedInRunningStretch;
        RunningSince = null;
        DueAt = null;
        WarnAt = null;
    }

    public void Resume(DateTime at)
    {
        if (RunningSince is not null || MetAt is not null)
        {
            return;
        }

        RunningSince = at;
    }

    /// <summary>A new severity (or queue) brings a new allowance and calendar; the time used so far stays used.</summary>
    public void Reprice(string calendar, TimeSpan target)
    {
        Calendar = calendar;
        Target = target;
    }

    public void Meet(DateTime at)
    {
        if (MetAt is not null)
        {
            return;
        }

        if (DueAt is { } due && at > due)
        {
            BreachedAt ??= due;
        }

        MetAt = at;
        RunningSince = null;
        DueAt = null;
        WarnAt = null;
    }

    public void MarkWarned(DateTime at)
    {
        WarnedAt ??= at;
        WarnAt = null;
    }

    public void MarkBreached(DateTime due) => BreachedAt ??= due;
}

public sealed class CaseTargetConfiguration : IEntityTypeConfiguration<CaseTarget>
{
    public void Configure(EntityTypeBuilder<CaseTarget> builder)
    {
        builder.ToTable("CaseTargets");
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Kind).HasMaxLength(20);
        builder.Property(t => t.Calendar).HasMaxLength(64);
        builder.HasOne<Case>().WithMany(c => c.Targets).HasForeignKey(t => t.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => t.CaseId);
    }
}

/// <summary>The SLA columns of the case itself, kept with the targets they summarise.</summary>
public sealed class CaseSlaColumnsConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> builder)
    {
        builder.Property(c => c.SlaState).HasConversion<int>();
        builder.Navigation(c => c.Targets).UsePropertyAccessMode(PropertyAccessMode.Field);
        // Partial: only cases with a running target have a due time; the next case and the listing by due time walk this
        // index in order, and solved cases (most of the table) are not in it.
        builder.HasIndex(c => new { c.DueAt, c.Id }).HasFilter("\"DueAt\" IS NOT NULL");
        // The breach monitor's work list: cases whose next warning or breach has come.
        builder.HasIndex(c => c.SlaCheckAt).HasFilter("\"SlaCheckAt\" IS NOT NULL");
    }
}

public static class CaseTargetTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<CaseTarget> CaseTargets => db.Set<CaseTarget>();
    }
}

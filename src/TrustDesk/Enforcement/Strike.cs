using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Subjects;

namespace TrustDesk.Enforcement;

/// <summary>
/// A mark on a subject's record for one enforced policy. It counts towards the subject's standing and the next step of
/// the ladder until it expires (the expiry depends on the policy family) or an appeal removes it.
/// </summary>
public sealed class Strike
{
    private Strike()
    {
    }

    public Strike(EnforcementAction action, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        SubjectId = action.SubjectId;
        ActionId = action.Id;
        Kind = action.Kind;
        Policy = action.Policy;
        Family = StrikePolicy.FamilyOf(action.Policy);
        IssuedAt = now;
        ExpiresAt = now + StrikePolicy.ExpiryOf(Family);
    }

    public Guid Id { get; private set; }
    public Guid SubjectId { get; private set; }
    public Guid ActionId { get; private set; }
    public string Kind { get; private set; } = "";
    public string Policy { get; private set; } = "";
    public string Family { get; private set; } = "";
    public DateTime IssuedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? RemovedAt { get; private set; }
    public string? RemovedReason { get; private set; }

    public bool IsActive(DateTime now) => RemovedAt is null && ExpiresAt > now;

    public void Remove(string reason, DateTime now)
    {
        RemovedAt ??= now;
        RemovedReason ??= reason;
    }
}

/// <summary>How long strikes last per policy family, and the ladder of actions each family climbs.</summary>
public static class StrikePolicy
{
    private static readonly Dictionary<string, int> ExpiryDays = new(StringComparer.Ordinal)
    {
        ["safety"] = 730,
        ["payments"] = 365,
        ["authenticity"] = 365,
        ["auction"] = 365,
        ["legal"] = 365,
        ["conduct"] = 180,
        ["order"] = 90,
    };

    public const int DefaultExpiryDays = 180;

    /// <summary>kind[:days] steps; the n-th active strike of the family suggests step n.</summary>
    private static readonly Dictionary<string, string[]> Ladders = new(StringComparer.Ordinal)
    {
        ["safety"] = ["suspend_account:30", "ban_account"],
        ["payments"] = ["warn", "hold_payouts", "suspend_account:30", "ban_account"],
        ["authenticity"] = ["warn", "restrict_selling:7", "suspend_account:30", "ban_account"],
    };

    private static readonly string[] DefaultLadder = ["warn", "restrict_selling:3", "suspend_account:30", "ban_account"];

    public static string FamilyOf(string policy) => policy.Split('.')[0];

    public static TimeSpan ExpiryOf(string family) => TimeSpan.FromDays(ExpiryDays.GetValueOrDefault(family, DefaultExpiryDays));

    public static IReadOnlyList<string> LadderOf(string family) => Ladders.GetValueOrDefault(family, DefaultLadder);

    /// <summary>The next step for a subject with <paramref name="activeStrikes"/> active strikes in the family.</summary>
    public static (string Kind, int? DurationDays) Next(string family, int activeStrikes)
    {
        var ladder = LadderOf(family);
        var step = ladder[Math.Min(activeStrikes, ladder.Count - 1)].Split(':');
        return (step[0], step.Length > 1 ? int.Parse(step[1], System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    /// <summary>good_standing, warned (1-2 active strikes), at_risk (3 or more), or banned.</summary>
    public static string Standing(int activeStrikes, bool banned) =>
        banned ? "banned" : activeStrikes switch { 0 => "good_standing", <= 2 => "warned", _ => "at_risk" };
}

internal sealed class StrikeConfiguration : IEntityTypeConfiguration<Strike>
{
    public void Configure(EntityTypeBuilder<Strike> b)
    {
        b.ToTable("Strikes");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Kind).HasMaxLength(32);
        b.Property(s => s.Policy).HasMaxLength(64);
        b.Property(s => s.Family).HasMaxLength(64);
        b.Property(s => s.RemovedReason).HasMaxLength(400);
        b.HasOne<Subject>().WithMany().HasForeignKey(s => s.SubjectId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<EnforcementAction>().WithMany().HasForeignKey(s => s.ActionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.SubjectId, s.IssuedAt });
        b.HasIndex(s => s.ActionId);
    }
}

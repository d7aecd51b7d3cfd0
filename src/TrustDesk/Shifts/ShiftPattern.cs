using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace TrustDesk.Shifts;

/// <summary>
/// When a team is on: local wall-clock hours on some weekdays in one time zone (evening 13:00–22:00
/// America/Los_Angeles, Monday to Friday). An end at or before the start runs past midnight into the next day (a night
/// shift 22:00–06:00 belongs to the day it starts on); an end equal to the start is a whole day.
/// </summary>
public sealed class ShiftPattern
{
    public const int NameMaxLength = 80;

    private ShiftPattern()
    {
    }

    public ShiftPattern(Guid teamId, string name, string timeZone, ShiftDays days, TimeOnly start, TimeOnly end, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        TeamId = teamId;
        Change(name, timeZone, days, start, end);
    }

    public Guid Id { get; private set; }
    public Guid TeamId { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>A tzdb zone id (America/Los_Angeles).</summary>
    public string TimeZone { get; private set; } = "";
    public ShiftDays Days { get; private set; }
    public TimeOnly Start { get; private set; }
    public TimeOnly End { get; private set; }

    public void Change(string name, string timeZone, ShiftDays days, TimeOnly start, TimeOnly end)
    {
        Name = name;
        TimeZone = timeZone;
        Days = days;
        Start = start;
        End = end;
    }
}

/// <summary>The weekdays a shift starts on.</summary>
[Flags]
public enum ShiftDays
{
    None = 0,
    Monday = 1,
    Tuesday = 2,
    Wednesday = 4,
    Thursday = 8,
    Friday = 16,
    Saturday = 32,
    Sunday = 64,
    Weekdays = Monday | Tuesday | Wednesday | Thursday | Friday,
    Weekend = Saturday | Sunday,
}

public static class ShiftDaysExtensions
{
    public static bool Includes(this ShiftDays days, IsoDayOfWeek day) => (days & Of(day)) != 0;

    public static ShiftDays Of(IsoDayOfWeek day) => (ShiftDays)(1 << ((int)day - 1));

    /// <summary>The days as the API spells them: <c>monday</c>, <c>tuesday</c>, ...</summary>
    public static IReadOnlyList<string> Names(this ShiftDays days) =>
        [.. Enumerable.Range(1, 7).Select(d => (IsoDayOfWeek)d).Where(d => days.Includes(d)).Select(d => d.ToString().ToLowerInvariant())];

    public static bool TryParse(IEnumerable<string> names, out ShiftDays days)
    {
        days = ShiftDays.None;
        foreach (var name in names)
        {
            if (!Enum.TryParse<IsoDayOfWeek>(name, ignoreCase: true, out var day) || day == IsoDayOfWeek.None || int.TryParse(name, out _))
            {
                return false;
            }

            days |= Of(day);
        }

        return days != ShiftDays.None;
    }
}

internal sealed class ShiftPatternConfiguration : IEntityTypeConfiguration<ShiftPattern>
{
    public void Configure(EntityTypeBuilder<ShiftPattern> b)
    {
        b.ToTable("ShiftPatterns");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Name).HasMaxLength(ShiftPattern.NameMaxLength);
        b.Property(s => s.TimeZone).HasMaxLength(64);
        b.Property(s => s.Days).HasConversion<int>();
        b.HasIndex(s => s.TeamId);
        b.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}

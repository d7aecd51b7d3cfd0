using NodaTime;
using TrustDesk.Shifts;

namespace TrustDesk.Tests.Shifts;

/// <summary>
/// Shift occurrences and who is on, against worked examples. Los Angeles is UTC-8 (PST) until 2026-03-08 02:00, when it
/// jumps to 03:00 and becomes UTC-7 (PDT); on 2026-11-01 at 02:00 PDT it falls back to 01:00 PST.
/// </summary>
public sealed class RosterTests
{
    private static readonly DateTimeZone LosAngeles = DateTimeZoneProviders.Tzdb["America/Los_Angeles"];
    private static readonly Guid Evening = Guid.Parse("00000000-0000-0000-0000-0000000000e1");
    private static readonly Guid Night = Guid.Parse("00000000-0000-0000-0000-0000000000e2");
    private static readonly Guid Ana = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Ben = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    private static DateTime Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    private static RosterShift Shift(Guid team, ShiftDays days, int startHour, int startMinute, int endHour) =>
        new(team, LosAngeles, days, new LocalTime(startHour, startMinute), new LocalTime(endHour, 0));

    public static TheoryData<string, ShiftDays, int, int, int, DateTime, DateTime, DateTime, DateTime> Occurrences => new()
    {
        // Evening 13:00–22:00 on a PST Monday: 21:00Z to 06:00Z the next day, 9 hours.
        { "evening in winter", ShiftDays.Weekdays, 13, 0, 22, Utc(3, 2, 12), Utc(3, 3, 0), Utc(3, 2, 21), Utc(3, 3, 6) },
        // The same shift on a PDT Monday: 20:00Z to 05:00Z, still 9 hours of wall-clock 13:00–22:00.
        { "evening in summer", ShiftDays.Weekdays, 13, 0, 22, Utc(3, 9, 12), Utc(3, 10, 0), Utc(3, 9, 20), Utc(3, 10, 5) },
        // Evening on the spring-forward Sunday (13:00 is already PDT): 20:00Z to 05:00Z.
        { "evening on the DST change day", ShiftDays.Weekend, 13, 0, 22, Utc(3, 8, 12), Utc(3, 9, 0), Utc(3, 8, 20), Utc(3, 9, 5) },
        // Night 22:00–06:00 starting Saturday 7 March: 22:00 PST = 06:00Z; 06:00 PDT = 13:00Z. 7 real hours.
        { "night across spring forward", ShiftDays.Saturday, 22, 0, 6, Utc(3, 8, 0), Utc(3, 8, 23), Utc(3, 8, 6), Utc(3, 8, 13) },
        // Night 22:00–06:00 starting Saturday 31 October: 22:00 PDT = 05:00Z; 06:00 PST = 14:00Z. 9 real hours.
        { "night across fall back", ShiftDays.Saturday, 22, 0, 6, Utc(11, 1, 0), Utc(11, 1, 23), Utc(11, 1, 5), Utc(11, 1, 14) },
        // A start in the skipped hour (02:30 on 8 March does not exist) moves to 03:30 PDT = 10:30Z; 10:00 PDT = 17:00Z.
        { "start in the skipped hour", ShiftDays.Sunday, 2, 30, 10, Utc(3, 8, 0), Utc(3, 8, 23), Utc(3, 8, 10, 30), Utc(3, 8, 17) },
        // An overnight shift that started on Friday is found from a window that begins on Saturday morning.
        { "overnight from the day before", ShiftDays.Friday, 22, 0, 6, Utc(3, 7, 12), Utc(3, 7, 13), Utc(3, 7, 6), Utc(3, 7, 14) },
    };

    [Theory]
    [MemberData(nameof(Occurrences))]
    public void Occurrences_WorkedExample_StartsAndEndsAtTheRealInstants(
        string example, ShiftDays days, int startHour, int startMinute, int endHour, DateTime from, DateTime to, DateTime expectedStart, DateTime expectedEnd)
    {
        var shift = Shift(Evening, days, startHour, startMinute, endHour);

        var found = Roster.Occurrences(shift, from, to).ToList();

        var only = Assert.Single(found);
        Assert.True((expectedStart, expectedEnd) == only, $"{example}: expected {expectedStart:O}–{expectedEnd:O}, got {only.Start:O}–{only.End:O}");
    }

    [Fact]
    public void Occurrences_WholeDayOnSpringForward_Is23Hours()
    {
        var shift = new RosterShift(Evening, LosAngeles, ShiftDays.Sunday, new LocalTime(0, 0), new LocalTime(0, 0));

        var (start, end) = Assert.Single(Roster.Occurrences(shift, Utc(3, 8, 9), Utc(3, 8, 10)));

        // 00:00 PST = 08:00Z on the 8th; 00:00 PDT on the 9th = 07:00Z.
        Assert.Equal(Utc(3, 8, 8), start);
        Assert.Equal(Utc(3, 9, 7), end);
    }

    public static TheoryData<string, DateTime, bool> OvernightOnAt => new()
    {
        // Friday 22:00–06:00 (PST): Friday 21:59 local is off, 22:00 on, Saturday 05:59 on, 06:00 off.
        { "Friday 21:59", Utc(3, 7, 5, 59), false },
        { "Friday 22:00", Utc(3, 7, 6), true },
        { "Saturday 00:30 after midnight", Utc(3, 7, 8, 30), true },
        { "Saturday 05:59", Utc(3, 7, 13, 59), true },
        { "Saturday 06:00", Utc(3, 7, 14), false },
        // Saturday 22:00: the pattern starts on Fridays only.
        { "Saturday 22:00", Utc(3, 8, 6), false },
    };

    [Theory]
    [MemberData(nameof(OvernightOnAt))]
    public void OnAt_OvernightShiftCrossingMidnight_OnUntilItsEnd(string example, DateTime at, bool expectedOn)
    {
        var spans = Roster.Build([new RosterTeam(Night, [Ana])], [Shift(Night, ShiftDays.Friday, 22, 0, 6)], [], at.AddDays(-1), at.AddDays(1));

        var on = Roster.OnAt(spans, at);

        Assert.True(expectedOn == on.ContainsKey(Ana), example);
    }

    [Fact]
    public void Build_TimeOffInTheMiddle_SplitsTheShift()
    {
        // Monday 2 March, evening 13:00–22:00 PST = 21:00Z–06:00Z; Ana off 15:00–18:00 PST = 23:00Z–02:00Z.
        var exceptions = new[] { new RosterException(Ana, ScheduleExceptionKind.TimeOff, Utc(3, 2, 23), Utc(3, 3, 2), null, null) };

        var spans = Roster.Build([new RosterTeam(Evening, [Ana, Ben])], [Shift(Evening, ShiftDays.Weekdays, 13, 0, 22)], exceptions, Utc(3, 2, 12), Utc(3, 3, 12));

        Assert.Equal([(Utc(3, 2, 21), Utc(3, 2, 23)), (Utc(3, 3, 2), Utc(3, 3, 6))], spans.Where(s => s.UserId == Ana).Select(s => (s.Start, s.End)));
        Assert.Equal([(Utc(3, 2, 21), Utc(3, 3, 6))], spans.Where(s => s.UserId == Ben).Select(s => (s.Start, s.End)));
        Assert.False(Roster.OnAt(spans, Utc(3, 3, 0)).ContainsKey(Ana));
        Assert.True(Roster.OnAt(spans, Utc(3, 3, 0)).ContainsKey(Ben));
    }

    [Fact]
    public void Build_TimeOffForTheWholeWeek_NeverOn()
    {
        var exceptions = new[] { new RosterException(Ana, ScheduleExceptionKind.TimeOff, Utc(3, 2, 8), Utc(3, 9, 8), null, null) };

        var spans = Roster.Build([new RosterTeam(Evening, [Ana])], [Shift(Evening, ShiftDays.Weekdays, 13, 0, 22)], exceptions, Utc(3, 2, 8), Utc(3, 9, 8));

        Assert.Empty(spans);
    }

    [Fact]
    public void Build_Swap_TheCoverWorksTheAbsentAgentsHoursForTheirTeam()
    {
        // Ana's Tuesday 3 March evening (21:00Z–06:00Z) goes to Ben, who is in no team at all.
        var exceptions = new[] { new RosterException(Ana, ScheduleExceptionKind.Swap, Utc(3, 3, 8), Utc(3, 4, 8), null, Ben) };

        var spans = Roster.Build([new RosterTeam(Evening, [Ana])], [Shift(Evening, ShiftDays.Weekdays, 13, 0, 22)], exceptions, Utc(3, 3, 8), Utc(3, 4, 8));

        var only = Assert.Single(spans);
        Assert.Equal(new OnShift(Ben, Evening, Utc(3, 3, 21), Utc(3, 4, 6)), only);
    }

    [Fact]
    public void Build_ExtraShift_AddsTheWindowForItsTeam()
    {
        // Saturday 7 March 10:00–14:00 PST for the evening team, which has no weekend shift.
        var exceptions = new[] { new RosterException(Ben, ScheduleExceptionKind.ExtraShift, Utc(3, 7, 18), Utc(3, 7, 22), Evening, null) };

        var spans = Roster.Build([new RosterTeam(Evening, [Ana])], [Shift(Evening, ShiftDays.Weekdays, 13, 0, 22)], exceptions, Utc(3, 7, 8), Utc(3, 8, 8));

        Assert.Equal([new OnShift(Ben, Evening, Utc(3, 7, 18), Utc(3, 7, 22))], spans);
    }

    [Fact]
    public void Build_SpansOutsideTheWindow_AreClipped()
    {
        var spans = Roster.Build([new RosterTeam(Evening, [Ana])], [Shift(Evening, ShiftDays.Weekdays, 13, 0, 22)], [], Utc(3, 3, 0), Utc(3, 3, 1));

        Assert.Equal([new OnShift(Ana, Evening, Utc(3, 3, 0), Utc(3, 3, 1))], spans);
    }
}

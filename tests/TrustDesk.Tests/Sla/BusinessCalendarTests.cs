using NodaTime;
using NodaTime.Text;
using TrustDesk.Sla;

namespace TrustDesk.Tests.Sla;

/// <summary>
/// Business-time arithmetic against worked examples. Every expected instant below was worked out by hand from the
/// calendar's local hours and the zone's offset on that date (PST is UTC-8, PDT UTC-7, CET UTC+1, CEST UTC+2).
/// </summary>
public sealed class BusinessCalendarTests
{
    private static readonly DateTimeZone LosAngeles = DateTimeZoneProviders.Tzdb["America/Los_Angeles"];
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    /// <summary>The evening shift: weekdays 13:00–22:00 in Los Angeles, closed on US public holidays and on 2026-12-24.</summary>
    private static readonly BusinessCalendar Evening = new("evening", LosAngeles,
        Weekdays(new LocalTime(13, 0), new LocalTime(22, 0)),
        HolidayCalendars.For("US", [new LocalDate(2026, 12, 24)]));

    /// <summary>An office in Berlin, weekdays 09:00–17:00, closed on German public holidays.</summary>
    private static readonly BusinessCalendar BerlinOffice = new("berlin", Berlin,
        Weekdays(new LocalTime(9, 0), new LocalTime(17, 0)), HolidayCalendars.For("DE", []));

    /// <summary>A Berlin night shift on Sundays, 00:00–06:00: the hours in which the clocks change.</summary>
    private static readonly BusinessCalendar BerlinSundayNights = new("berlin-nights", Berlin,
        [new OpeningHours(IsoDayOfWeek.Sunday, LocalTime.Midnight, new LocalTime(6, 0))]);

    private static IEnumerable<OpeningHours> Weekdays(LocalTime open, LocalTime close) =>
        new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday }
            .Select(d => new OpeningHours(d, open, close));

    private static Instant At(string iso) => InstantPattern.ExtendedIso.Parse(iso).Value;

    public static TheoryData<string, string, string, int, string> AddExamples => new()
    {
        // name, calendar, start (UTC), minutes of open time, expected due (UTC)
        {
            // Monday 2026-03-02 21:59 PST: one minute is left before the 22:00 close, so one minute is due at the close...
            "opened 21:59, one minute", "evening", "2026-03-03T05:59:00Z", 1, "2026-03-03T06:00:00Z"
        },
        {
            // ...and two minutes run into Tuesday's opening: 13:01 PST.
            "opened 21:59, two minutes", "evening", "2026-03-03T05:59:00Z", 2, "2026-03-03T21:01:00Z"
        },
        {
            // Opened at night, Monday 23:30 PST: nothing counts until Tuesday 13:00; 8 hours are due 21:00 PST.
            "opened after the close", "evening", "2026-03-03T07:30:00Z", 480, "2026-03-04T05:00:00Z"
        },
        {
            // US spring forward (Sunday 2026-03-08). Friday 21:00 PST + 2 h: 1 h on Friday, 1 h from Monday 13:00 PDT = 14:00 PDT.
            // 64 hours of elapsed time, not 65: the weekend lost an hour.
            "over the US spring change", "evening", "2026-03-07T05:00:00Z", 120, "2026-03-09T21:00:00Z"
        },
        {
            // US fall back (Sunday 2026-11-01). Friday 2026-10-30 21:00 PDT + 2 h = Monday 14:00 PST.
            "over the US fall change", "evening", "2026-10-31T04:00:00Z", 120, "2026-11-02T22:00:00Z"
        },
        {
            // 4 July 2026 is a Saturday; the US observes it on Friday 3 July. Thursday 21:00 PDT + 2 h = Monday 6 July 14:00 PDT.
            "US holiday on a weekend, observed Friday", "evening", "2026-07-03T04:00:00Z", 120, "2026-07-06T21:00:00Z"
        },
        {
            // Company day 24 Dec (Thursday) then Christmas (Friday). Wednesday 21:00 PST + 2 h = Monday 28 Dec 14:00 PST.
            "company date then public holiday", "evening", "2026-12-24T05:00:00Z", 120, "2026-12-28T22:00:00Z"
        },
        {
            // Christmas 2027 falls on Saturday and Germany does not move it to a weekday: Friday 24 Dec 16:00 CET + 2 h =
            // 1 h on Friday, then Monday 27 Dec 09:00–10:00 CET.
            "German holiday on a weekend is not moved", "berlin", "2027-12-24T15:00:00Z", 120, "2027-12-27T09:00:00Z"
        },
        {
            // Good Friday 2026-04-03 and Easter Monday 2026-04-06 are closed in Germany. Thursday 16:00 CEST + 2 h = Tuesday 10:00 CEST.
            "German Easter", "berlin", "2026-04-02T14:00:00Z", 120, "2026-04-07T08:00:00Z"
        },
        {
            // EU spring change (Sunday 2026-03-29, 02:00 CET -> 03:00 CEST): the 00:00–06:00 night holds 5 hours. 4 hours
            // from 00:00 CET (23:00Z Saturday) end at 03:00Z, which the wall clock shows as 05:00 CEST.
            "EU spring change inside open hours", "berlin-nights", "2026-03-28T23:00:00Z", 240, "2026-03-29T03:00:00Z"
        },
        {
            // EU fall change (Sunday 2026-10-25, 03:00 CEST -> 02:00 CET): the night holds 7 hours; 6 hours from 00:00 CEST
            // (22:00Z Saturday) end at 05:00 CET = 04:00Z.
            "EU fall change inside open hours", "berlin-nights", "2026-10-24T22:00:00Z", 360, "2026-10-25T04:00:00Z"
        },
    };

    [Theory]
    [MemberData(nameof(AddExamples))]
    public void Add_WorkedExample_IsDueWhenExpected(string name, string calendar, string start, int minutes, string expected)
    {
        var cal = Calendar(calendar);

        var due = cal.Add(At(start), Duration.FromMinutes(minutes));

        Assert.True(At(expected) == due, $"{name}: expected {expected}, got {due}");
        // And back: the open time between the start and the due time is what was added.
        Assert.Equal(Duration.FromMinutes(minutes), cal.Between(At(start), due));
    }

    [Theory]
    [InlineData("2026-03-28T23:00:00Z", "2026-03-29T04:00:00Z", 300)] // Sunday night in March: 5 hours
    [InlineData("2026-10-24T22:00:00Z", "2026-10-25T05:00:00Z", 420)] // Sunday night in October: 7 hours
    [InlineData("2026-03-21T23:00:00Z", "2026-03-22T05:00:00Z", 360)] // an ordinary Sunday night: 6 hours
    public void Between_NightWithAClockChange_CountsRealHours(string from, string to, int minutes)
    {
        var open = BerlinSundayNights.Between(At(from), At(to));

        Assert.Equal(Duration.FromMinutes(minutes), open);
    }

    [Fact]
    public void Between_AcrossAWeekAndAHoliday_CountsOnlyOpenHours()
    {
        // Monday 2026-01-12 13:00 PST to Monday 2026-01-19 13:00 PST: five days of 9 hours, and the 19th (Martin Luther King
        // Day) has not started to count.
        var from = At("2026-01-12T21:00:00Z");

        var week = Evening.Between(from, At("2026-01-19T21:00:00Z"));
        var pastHoliday = Evening.Between(from, At("2026-01-20T22:00:00Z"));

        Assert.Equal(Duration.FromHours(45), week);
        Assert.Equal(Duration.FromHours(46), pastHoliday); // Tuesday 13:00–14:00 PST, the holiday not counted
    }

    [Fact]
    public void AlwaysOpen_AddsElapsedTime()
    {
        var calendar = BusinessCalendar.AlwaysOpen();

        var due = calendar.Add(At("2026-03-08T09:50:00Z"), Duration.FromMinutes(15));

        Assert.Equal(At("2026-03-08T10:05:00Z"), due);
    }

    [Fact]
    public void IsOpen_AtTheCloseAndAtTheOpening_ClosedThenOpen()
    {
        Assert.False(Evening.IsOpen(At("2026-03-03T06:00:00Z"))); // Monday 22:00 PST
        Assert.True(Evening.IsOpen(At("2026-03-03T05:59:59Z")));
        Assert.True(Evening.IsOpen(At("2026-03-03T21:00:00Z"))); // Tuesday 13:00 PST
    }

    private static BusinessCalendar Calendar(string name) => name switch
    {
        "evening" => Evening,
        "berlin" => BerlinOffice,
        "berlin-nights" => BerlinSundayNights,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}

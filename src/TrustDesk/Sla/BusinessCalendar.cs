using NodaTime;

namespace TrustDesk.Sla;

/// <summary>One stretch of opening hours on a weekday, in the calendar's local time. <c>Close</c> of null means midnight at the end of the day.</summary>
public sealed record OpeningHours(IsoDayOfWeek Day, LocalTime Open, LocalTime? Close);

/// <summary>
/// When a team is at work: weekly opening hours in one time zone, minus holidays. The arithmetic SLAs need, and nothing
/// else: <see cref="Add"/> (the instant a given amount of open time after a start) and <see cref="Between"/> (the open time
/// between two instants). Pure: the same inputs always give the same answer, so it is tested with worked examples.
/// </summary>
/// <remarks>
/// Opening hours are local wall-clock times, so a 09:00–17:00 day is 8 hours in summer and in winter; on the night the
/// clocks change, an opening or closing that falls in the skipped hour moves to the first instant after it, and one in
/// the repeated hour takes the earlier of the two (NodaTime's lenient resolver). Holidays are whole local days.
/// </remarks>
public sealed class BusinessCalendar
{
    // A calendar with no opening hours at all would make Add search forever; ten years of nothing is an error.
    private const int MaxDaysSearched = 3_660;

    private readonly OpeningHours[][] _hoursByDay = new OpeningHours[8][];
    private readonly Func<LocalDate, bool> _isHoliday;

    public BusinessCalendar(string name, DateTimeZone zone, IEnumerable<OpeningHours> hours, Func<LocalDate, bool>? isHoliday = null, Duration? businessDay = null)
    {
        Name = name;
        Zone = zone;
        var list = hours.ToList();
        foreach (var h in list)
        {
            if (h.Close is { } close && close <= h.Open)
            {
                throw new ArgumentException($"Opening hours on {h.Day} close ({close}) before they open ({h.Open}).", nameof(hours));
            }
        }

        for (var d = 1; d <= 7; d++)
        {
            _hoursByDay[d] = list.Where(h => (int)h.Day == d).OrderBy(h => h.Open).ToArray();
        }

        if (list.Count == 0)
        {
            throw new ArgumentException("A calendar needs opening hours; use AlwaysOpen for 24/7.", nameof(hours));
        }

        _isHoliday = isHoliday ?? (_ => false);
        // What "one business day" is worth when a target is given in days: by default a Monday's hours (or the first open day's).
        BusinessDay = businessDay ?? Enumerable.Range(1, 7)
            .Select(d => Duration.FromTicks(_hoursByDay[d].Sum(h => (h.Close?.TickOfDay ?? NodaConstants.TicksPerDay) - h.Open.TickOfDay)))
            .First(length => length > Duration.Zero);
        IsAlwaysOpen = false;
    }

    private BusinessCalendar(string name)
    {
        Name = name;
        Zone = DateTimeZone.Utc;
        _isHoliday = _ => false;
        BusinessDay = Duration.FromDays(1);
        IsAlwaysOpen = true;
    }

    /// <summary>Open around the clock, every day: business time is elapsed time.</summary>
    public static BusinessCalendar AlwaysOpen(string name = "24x7") => new(name);

    public string Name { get; }
    public DateTimeZone Zone { get; }
    public bool IsAlwaysOpen { get; }

    /// <summary>The open time one business day stands for.</summary>
    public Duration BusinessDay { get; }

    public bool IsHoliday(LocalDate date) => !IsAlwaysOpen && _isHoliday(date);

    /// <summary>The instant at which <paramref name="openTime"/> of open time has passed since <paramref name="start"/>.</summary>
    /// <remarks>Exactly at a close: a target that runs out at 22:00 is due at 22:00, not at the next opening.</remarks>
    public Instant Add(Instant start, Duration openTime)
    {
        if (openTime <= Duration.Zero)
        {
            return start;
        }

        if (IsAlwaysOpen)
        {
            return start + openTime;
        }

        var left = openTime;
        foreach (var (open, close) in OpenIntervalsFrom(start))
        {
            var length = close - open;
            if (left <= length)
            {
                return open + left;
            }

            left -= length;
        }

        throw new InvalidOperationException($"Calendar {Name} has no open time in the next {MaxDaysSearched} days.");
    }

    /// <summary>The open time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public Duration Between(Instant from, Instant to)
    {
        if (to <= from)
        {
            return Duration.Zero;
        }

        if (IsAlwaysOpen)
        {
            return to - from;
        }

        var total = Duration.Zero;
        foreach (var (open, close) in OpenIntervalsFrom(from))
        {
            if (open >= to)
            {
                break;
            }

            total += (close < to ? close : to) - open;
        }

        return total;
    }

    /// <summary>Whether the team is at work at <paramref name="at"/>.</summary>
    public bool IsOpen(Instant at) => IsAlwaysOpen || OpenIntervalsFrom(at).Take(1).Any(i => i.Open == at);

    /// <summary>The open intervals from <paramref name="from"/> on, the first one cut to start at it, in order.</summary>
    public IEnumerable<(Instant Open, Instant Close)> OpenIntervalsFrom(Instant from)
    {
        if (IsAlwaysOpen)
        {
            yield return (from, Instant.MaxValue);
            yield break;
        }

        // Start a day early: an interval of the previous local day may still be open (it cannot, with closes at or before
        // midnight, but a zone whose offset changes at midnight can shift a day's start; one day of slack is cheap).
        var date = from.InZone(Zone).Date.PlusDays(-1);
        for (var i = 0; i < MaxDaysSearched; i++, date = date.PlusDays(1))
        {
            if (_isHoliday(date))
            {
                continue;
            }

            foreach (var hours in _hoursByDay[(int)date.DayOfWeek])
            {
                var open = (date + hours.Open).InZoneLeniently(Zone).ToInstant();
                var close = hours.Close is { } c ? (date + c).InZoneLeniently(Zone).ToInstant() : Zone.AtStartOfDay(date.PlusDays(1)).ToInstant();
                if (close <= from || close <= open)
                {
                    continue;
                }

                yield return (open < from ? from : open, close);
            }
        }
    }
}

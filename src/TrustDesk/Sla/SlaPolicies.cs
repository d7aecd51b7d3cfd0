using TrustDesk.Taxonomy;
using System.Globalization;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;
using TrustDesk.Cases;

namespace TrustDesk.Sla;

/// <summary>The targets one case is held to, and the calendar they count in.</summary>
public sealed record SlaPolicy(string Name, BusinessCalendar Calendar, Duration? FirstReply, Duration? NextReply, Duration? Resolution)
{
    public Duration? TargetFor(string kind) => kind switch
    {
        CaseTarget.FirstReply => FirstReply,
        CaseTarget.NextReply => NextReply,
        CaseTarget.Resolution => Resolution,
        _ => null,
    };
}

/// <summary>The configured calendars and policies, parsed once at start-up (a mistake in them stops the start, with its place).</summary>
public sealed class SlaPolicies
{
    public const string AlwaysOpen = "24x7";
    public const string TeamHours = "team-hours";

    private readonly Dictionary<string, BusinessCalendar> _calendars = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(PolicyOptions Options, SlaPolicy Policy)> _policies = [];

    public SlaPolicies(IOptions<SlaOptions> options)
        : this(options.Value)
    {
    }

    public SlaPolicies(SlaOptions options)
    {
        if (options.WarnAtShare is <= 0 or >= 1)
        {
            throw new InvalidOperationException("Sla:WarnAtShare must be between 0 and 1 (such as 0.75).");
        }

        WarnAtShare = options.WarnAtShare;
        _calendars[AlwaysOpen] = BusinessCalendar.AlwaysOpen(AlwaysOpen);
        var calendars = options.Calendars.Count > 0 ? options.Calendars : DefaultCalendars();
        foreach (var (name, calendar) in calendars)
        {
            _calendars[name] = ParseCalendar(name, calendar);
        }

        foreach (var (policy, i) in (options.Policies.Count > 0 ? options.Policies : DefaultPolicies()).Select((p, i) => (p, i)))
        {
            _policies.Add((policy, ParsePolicy(policy, $"Sla:Policies:{i}")));
        }
    }

    public double WarnAtShare { get; }

    public IReadOnlyDictionary<string, BusinessCalendar> Calendars => _calendars;

    public IEnumerable<SlaPolicy> All => _policies.Select(p => p.Policy);

    public BusinessCalendar Calendar(string name) => _calendars.TryGetValue(name, out var calendar) ? calendar : _calendars[AlwaysOpen];

    /// <summary>The most specific policy matching the case; null when none does (the case then has no targets).</summary>
    public SlaPolicy? For(Severity severity, string? queue, Channel channel, string? category)
    {
        SlaPolicy? best = null;
        var bestScore = -1;
        foreach (var (o, policy) in _policies)
        {
            if ((o.Severity is not null && !string.Equals(o.Severity, severity.ToString(), StringComparison.OrdinalIgnoreCase))
                || (o.Queue is not null && !string.Equals(o.Queue, queue, StringComparison.OrdinalIgnoreCase))
                || (o.Channel is not null && !string.Equals(o.Channel, channel.ToString(), StringComparison.OrdinalIgnoreCase))
                || (o.Category is not null && !(category is not null && (category == o.Category || category.StartsWith(o.Category + ".", StringComparison.Ordinal)))))
            {
                continue;
            }

            var score = (o.Queue is null ? 0 : 1) + (o.Channel is null ? 0 : 1) + (o.Category is null ? 0 : 1);
            if (score > bestScore)
            {
                best = policy;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>The product brief's defaults (DESIGN.md, "Severity and order of work").</summary>
    public static List<PolicyOptions> DefaultPolicies() =>
    [
        new() { Name = "S1", Severity = "S1", Calendar = AlwaysOpen, FirstReply = "15m", NextReply = "1h", Resolution = "4h" },
        new() { Name = "S2", Severity = "S2", Calendar = AlwaysOpen, FirstReply = "1h", NextReply = "4h", Resolution = "24h" },
        new() { Name = "S3", Severity = "S3", Calendar = TeamHours, FirstReply = "8h", NextReply = "8h", Resolution = "3d" },
        new() { Name = "S4", Severity = "S4", Calendar = TeamHours, FirstReply = "24h", NextReply = "24h", Resolution = "5d" },
    ];

    /// <summary>
    /// Team hours: the desk works from Los Angeles, the day and evening shifts 08:00–22:00 on weekdays, closed on US public
    /// holidays. A business day is 8 hours of open time (one agent's day), so 3 business days are 24 open hours.
    /// </summary>
    public static Dictionary<string, CalendarOptions> DefaultCalendars() => new(StringComparer.OrdinalIgnoreCase)
    {
        [TeamHours] = new()
        {
            TimeZone = "America/Los_Angeles",
            HolidayCountry = "US",
            BusinessDayHours = 8,
            Hours = new(StringComparer.OrdinalIgnoreCase)
            {
                ["Monday"] = "08:00-22:00", ["Tuesday"] = "08:00-22:00", ["Wednesday"] = "08:00-22:00",
                ["Thursday"] = "08:00-22:00", ["Friday"] = "08:00-22:00",
            },
        },
    };

    public static BusinessCalendar ParseCalendar(string name, CalendarOptions options)
    {
        var where = $"Sla:Calendars:{name}";
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(options.TimeZone)
            ?? throw new InvalidOperationException($"{where}:TimeZone: unknown time zone '{options.TimeZone}' (an IANA name such as America/Los_Angeles).");
        var hours = new List<OpeningHours>();
        foreach (var (dayName, text) in options.Hours)
        {
            if (!Enum.TryParse<IsoDayOfWeek>(dayName, ignoreCase: true, out var day) || day == IsoDayOfWeek.None || int.TryParse(dayName, out _))
            {
                throw new InvalidOperationException($"{where}:Hours: '{dayName}' is not a day (Monday...Sunday).");
            }

            foreach (var range in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = range.Split('-', StringSplitOptions.TrimEntries);
                if (parts.Length != 2 || !TryParseTime(parts[0], out var open, out var openIsEndOfDay) || openIsEndOfDay
                    || !TryParseTime(parts[1], out var close, out var closeIsEndOfDay) || (!closeIsEndOfDay && close <= open))
                {
                    throw new InvalidOperationException($"{where}:Hours:{dayName}: '{range}' is not HH:mm-HH:mm with the close after the open.");
                }

                hours.Add(new OpeningHours(day, open, closeIsEndOfDay ? null : close));
            }
        }

        if (options.HolidayCountry is { } country && !HolidayCalendars.IsSupported(country))
        {
            throw new InvalidOperationException($"{where}:HolidayCountry: no public holidays for '{country}'. One of {string.Join(", ", HolidayCalendars.SupportedCountries)}.");
        }

        var own = new List<LocalDate>();
        foreach (var text in options.Holidays)
        {
            var parsed = LocalDatePattern.Iso.Parse(text);
            own.Add(parsed.Success ? parsed.Value : throw new InvalidOperationException($"{where}:Holidays: '{text}' is not a date (yyyy-MM-dd)."));
        }

        return new BusinessCalendar(name, zone, hours, HolidayCalendars.For(options.HolidayCountry, own),
            options.BusinessDayHours is { } h ? Duration.FromHours(h) : null);
    }

    private SlaPolicy ParsePolicy(PolicyOptions o, string where)
    {
        if (!_calendars.TryGetValue(o.Calendar, out var calendar))
        {
            throw new InvalidOperationException($"{where}:Calendar: no calendar '{o.Calendar}'. One of {string.Join(", ", _calendars.Keys)}.");
        }

        if (o.Severity is not null && !(Enum.TryParse<Severity>(o.Severity, ignoreCase: true, out var s) && Enum.IsDefined(s) && o.Severity.Length == 2))
        {
            throw new InvalidOperationException($"{where}:Severity: one of S1, S2, S3, S4.");
        }

        if (o.Channel is not null && !Enum.TryParse<Channel>(o.Channel, ignoreCase: true, out _))
        {
            throw new InvalidOperationException($"{where}:Channel: one of {string.Join(", ", Enum.GetNames<Channel>())}.");
        }

        return new SlaPolicy(o.Name ?? o.Severity ?? where, calendar,
            ParseTarget(o.FirstReply, calendar, $"{where}:FirstReply"),
            ParseTarget(o.NextReply, calendar, $"{where}:NextReply"),
            ParseTarget(o.Resolution, calendar, $"{where}:Resolution"));
    }

    /// <summary>"15m", "4h", "3d" (business days), or a plain TimeSpan such as 01:30:00.</summary>
    public static Duration? ParseTarget(string? text, BusinessCalendar calendar, string where)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        var unit = text[^1];
        if (char.IsLetter(unit) && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (char.ToLowerInvariant(unit))
            {
                case 'm': return Duration.FromMinutes(amount);
                case 'h': return Duration.FromHours(amount);
                case 'd': return calendar.BusinessDay * amount;
            }
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return Duration.FromTimeSpan(span);
        }

        throw new InvalidOperationException($"{where}: '{text}' is not a target such as 15m, 4h or 3d.");
    }

    private static bool TryParseTime(string text, out LocalTime time, out bool endOfDay)
    {
        endOfDay = text is "24:00";
        if (endOfDay)
        {
            time = LocalTime.Midnight;
            return true;
        }

        var parsed = LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text);
        time = parsed.Success ? parsed.Value : default;
        return parsed.Success;
    }
}

namespace TrustDesk.Sla;

/// <summary>
/// The "Sla" section of the configuration. Empty lists mean the defaults of the product brief: S1 first reply 15 min and
/// resolution 4 h, S2 1 h / 24 h, both around the clock; S3 8 business hours / 3 business days, S4 24 business hours / 5
/// business days, in team hours.
/// </summary>
public sealed class SlaOptions
{
    public const string Section = "Sla";

    /// <summary>The share of a target after which the case is at risk and a warning is recorded.</summary>
    public double WarnAtShare { get; set; } = 0.75;

    /// <summary>How often the breach monitor looks for warnings and breaches that came.</summary>
    public TimeSpan MonitorInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Calendars by name; "24x7" always exists. Defaults to "team-hours" when empty.</summary>
    public Dictionary<string, CalendarOptions> Calendars { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public List<PolicyOptions> Policies { get; set; } = [];
}

/// <summary>A business calendar: a time zone, weekly hours and holidays.</summary>
public sealed class CalendarOptions
{
    /// <summary>An IANA zone such as America/Los_Angeles.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>By day name (Monday...Sunday): "09:00-17:00", several as "08:00-12:00,13:00-22:00", "00:00-24:00" for all day.</summary>
    public Dictionary<string, string> Hours { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Public holidays of this country (ISO code such as US, GB, DE) are closed days.</summary>
    public string? HolidayCountry { get; set; }

    /// <summary>The company's own closed days, as yyyy-MM-dd.</summary>
    public List<string> Holidays { get; set; } = [];

    /// <summary>What a business day is worth in hours when a target is given in days (default: a Monday's open hours).</summary>
    public double? BusinessDayHours { get; set; }
}

/// <summary>
/// Targets for the cases it matches. Severity, queue, channel and category narrow it; of the matching policies the most
/// specific wins (the one naming the most of queue, channel and category), then the first listed.
/// Targets are "15m", "4h", "3d" (business days of the calendar); absent means no such target.
/// </summary>
public sealed class PolicyOptions
{
    public string? Name { get; set; }
    public string? Severity { get; set; }
    public string? Queue { get; set; }
    public string? Channel { get; set; }

    /// <summary>A category code, or a family (payments) for all its codes.</summary>
    public string? Category { get; set; }

    public string Calendar { get; set; } = "24x7";
    public string? FirstReply { get; set; }
    public string? NextReply { get; set; }
    public string? Resolution { get; set; }
}

using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using TrustDesk.Cases;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

/// <summary>What a metrics request asks for, as it comes in the query string.</summary>
public sealed record MetricsQuery(
    string? From = null, string? To = null, string? Tz = null, string? Interval = null,
    string? Queue = null, string? Agent = null, string? Category = null, string? Severity = null, string? Channel = null);

/// <summary>
/// A validated period and filter: UTC hours from <see cref="From"/> (inclusive) to <see cref="To"/> (exclusive), the time
/// zone that days are counted in, and the dimensions to keep.
/// </summary>
public sealed partial record MetricsPeriod(
    DateTime From, DateTime To, DateTimeZone Zone, bool Daily,
    Guid? QueueId, string? Agent, string? Category, Severity? Severity, Channel? Channel)
{
    public const int MaxDays = 400;

    /// <summary>The whole desk, unfiltered (for reads that ignore the period, such as the backlog now).</summary>
    public static MetricsPeriod Everything(DateTime now) =>
        new(FloorHour(now), FloorHour(now).AddHours(1), DateTimeZone.Utc, false, null, null, null, null, null);

    /// <summary>Daily steps in a zone whose clock is UTC's for the whole period: each step is one UTC day.</summary>
    public bool UtcDays => Daily && Zone.GetZoneIntervals(Instant.FromDateTimeUtc(From), Instant.FromDateTimeUtc(To)).All(i => i.WallOffset == Offset.Zero);

    /// <summary>Whether anything narrows the figures below the whole desk.</summary>
    public bool Filtered => QueueId is not null || Agent is not null || Category is not null || Severity is not null || Channel is not null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateOnlyPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(?<offset>Z|[+-]\d{2}:\d{2})?$")]
    private static partial Regex DateTimePattern();

    /// <summary>Parses and checks the query; errors name the parameter, as a 400 problem document will.</summary>
    public static MetricsPeriod? TryParse(MetricsQuery query, DateTime now, CategoryCatalog.Snapshot catalog, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(string.IsNullOrWhiteSpace(query.Tz) ? "UTC" : query.Tz.Trim());
        if (zone is null)
        {
            errors["tz"] = [$"Not a time zone: '{query.Tz}'. Use an IANA name such as Europe/Berlin or America/Los_Angeles."];
            zone = DateTimeZone.Utc;
        }

        var to = Parse(query.To, zone, endOfDay: true, "to", errors);
        var from = Parse(query.From, zone, endOfDay: false, "from", errors);
        if (errors.ContainsKey("from") || errors.ContainsKey("to"))
        {
            return null;
        }

        // Defaults: the last seven days in the zone, today included.
        var toInstant = to ?? Instant.FromDateTimeUtc(now);
        var fromInstant = from ?? zone.AtStartOfDay(toInstant.InZone(zone).Date.PlusDays(-6)).ToInstant();
        if (fromInstant >= toInstant)
        {
            errors["from"] = ["from must be before to."];
        }
        else if (toInstant - fromInstant > Duration.FromDays(MaxDays))
        {
            errors["to"] = [$"The period is longer than {MaxDays} days (about a year); ask for a shorter one."];
        }

        // Whole hours: the rollups' buckets. From goes down to its hour, to up to the next.
        var fromHour = FloorHour(fromInstant.ToDateTimeUtc());
        var toHour = CeilingHour(toInstant.ToDateTimeUtc());
        var daily = (query.Interval ?? "").Trim().ToLowerInvariant() switch
        {
            "" => toHour - fromHour > TimeSpan.FromHours(48),
            "day" => true,
            "hour" => false,
            _ => Error(errors, "interval", "One of day, hour."),
        };

        Guid? queueId = null;
        if (!string.IsNullOrWhiteSpace(query.Queue))
        {
            if (catalog.QueuesByName.TryGetValue(query.Queue.Trim(), out var queue))
            {
                queueId = queue.Id;
            }
            else
            {
                errors["queue"] = [$"No queue '{query.Queue}'. One of {string.Join(", ", catalog.QueuesByName.Keys.Order(StringComparer.Ordinal))}."];
            }
        }

        Severity? severity = null;
        if (!string.IsNullOrWhiteSpace(query.Severity))
        {
            if (Enum.TryParse<Severity>(query.Severity.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && query.Severity.Trim().Length == 2)
            {
                severity = parsed;
            }
            else
            {
                errors["severity"] = ["One of S1, S2, S3, S4."];
            }
        }

        Channel? channel = null;
        if (!string.IsNullOrWhiteSpace(query.Channel))
        {
            if (Enum.TryParse<Channel>(query.Channel.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(query.Channel, out _))
            {
                channel = parsed;
            }
            else
            {
                errors["channel"] = ["One of api, email, chat, report, system."];
            }
        }

        var category = string.IsNullOrWhiteSpace(query.Category) ? null : query.Category.Trim();
        if (category is not null && category.Length > 64)
        {
            errors["category"] = ["At most 64 characters."];
        }

        var agent = string.IsNullOrWhiteSpace(query.Agent) ? null : query.Agent.Trim();
        if (agent is not null && agent.Length > 200)
        {
            errors["agent"] = ["At most 200 characters."];
        }

        return errors.Count > 0 ? null : new MetricsPeriod(fromHour, toHour, zone, daily, queueId, agent, category, severity, channel);
    }

    private static bool Error(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return false;
    }

    // ISO 8601: a date (the start of that day in the zone; for "to", the end of it), a local date and time (in the zone),
    // or a date and time with Z or an offset.
    private static Instant? Parse(string? text, DateTimeZone zone, bool endOfDay, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (DateOnlyPattern().IsMatch(text) && DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var day = LocalDate.FromDateTime(date);
            return zone.AtStartOfDay(endOfDay ? day.PlusDays(1) : day).ToInstant();
        }

        var match = DateTimePattern().Match(text);
        if (match.Success && match.Groups["offset"].Success
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return Instant.FromDateTimeOffset(instant);
        }

        if (match.Success && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return zone.AtLeniently(LocalDateTime.FromDateTime(local)).ToInstant();
        }

        errors[field] = [$"Not an ISO 8601 date or date-time: '{Shorten(text)}'. Examples: 2026-03-01, 2026-03-01T08:00, 2026-03-01T08:00:00Z."];
        return null;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    public static DateTime FloorHour(DateTime at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc);

    public static DateTime CeilingHour(DateTime at)
    {
        var floor = FloorHour(at);
        return floor == at ? floor : floor.AddHours(1);
    }

    /// <summary>The start (UTC) of the series bucket an hour belongs to: its day in the zone, or itself.</summary>
    public DateTime BucketOf(DateTime hourUtc) =>
        Daily ? Zone.AtStartOfDay(Instant.FromDateTimeUtc(hourUtc).InZone(Zone).Date).ToDateTimeUtc() : hourUtc;

    /// <summary>Every bucket of the period, in order (days in the zone, or hours).</summary>
    public IEnumerable<DateTime> Buckets()
    {
        if (!Daily)
        {
            for (var hour = From; hour < To; hour = hour.AddHours(1))
            {
                yield return hour;
            }

            yield break;
        }

        var day = Instant.FromDateTimeUtc(From).InZone(Zone).Date;
        while (true)
        {
            var start = Zone.AtStartOfDay(day).ToDateTimeUtc();
            if (start >= To)
            {
                yield break;
            }

            yield return start;
            day = day.PlusDays(1);
        }
    }
}

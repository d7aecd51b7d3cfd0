using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

/// <summary>The three periods a dashboard compares: today so far, the seven days before it, and the last 30 days for the charts.</summary>
public sealed record DashboardView(MetricsOverview Today, MetricsOverview Week, MetricsOverview Month, string TimeZone);

/// <summary>Reads what the console's dashboards show, in the desk's time zone (<see cref="MetricsOptions.TimeZone"/>), from the overview.</summary>
public sealed class LoadDashboard(GetOverview overview, CategoryCatalog catalog, TimeProvider time, IOptions<MetricsOptions> options, TrustDeskDb db)
{
    public const int MaxRatings = 500;

    /// <summary>The latest answered surveys that rate <paramref name="agent"/>, comments included.</summary>
    public async Task<List<CsatSurvey>> RatingsAsync(string agent, int take, CancellationToken cancellationToken) =>
        await db.CsatSurveys.AsNoTracking().Where(s => s.Agent == agent && s.AnsweredAt != null).OrderByDescending(s => s.AnsweredAt).Take(take)
            .ToListAsync(cancellationToken);

    public DateTimeZone Zone => DateTimeZoneProviders.Tzdb.GetZoneOrNull(options.Value.TimeZone) ?? DateTimeZone.Utc;

    public async Task<DashboardView> LoadAsync(Guid? queueId, string? agent, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var zone = Zone;
        var now = time.GetUtcNow().UtcDateTime;
        var today = Instant.FromDateTimeUtc(now).InZone(zone).Date;
        var todayStart = MetricsPeriod.FloorHour(zone.AtStartOfDay(today).ToDateTimeUtc());
        var end = MetricsPeriod.CeilingHour(now);
        MetricsPeriod Period(DateTime from, DateTime to, bool daily) => new(from, to, zone, daily, queueId, agent, null, null, null);
        var weekStart = MetricsPeriod.FloorHour(zone.AtStartOfDay(today.PlusDays(-7)).ToDateTimeUtc());
        var monthStart = MetricsPeriod.FloorHour(zone.AtStartOfDay(today.PlusDays(-29)).ToDateTimeUtc());
        return new DashboardView(
            await overview.ReadAsync(Period(todayStart, end, daily: false), snapshot, cancellationToken),
            await overview.ReadAsync(Period(weekStart, todayStart, daily: true), snapshot, cancellationToken),
            await overview.ReadAsync(Period(monthStart, end, daily: true), snapshot, cancellationToken),
            zone.Id);
    }

    /// <summary>The figures of a period narrowed to one severity (the Trust &amp; Safety page's S1 figures), days in the desk's zone.</summary>
    public async Task<MetricsOverview> ReadAsync(DateTime from, DateTime to, Severity severity, CancellationToken cancellationToken) =>
        await overview.ReadAsync(new MetricsPeriod(from, to, Zone, true, null, null, null, severity, null), await catalog.GetAsync(cancellationToken), cancellationToken);

    /// <summary>The link to the cases behind a figure: the drill-down page with the figure's period and filters.</summary>
    public static string CasesLink(string measure, MetricsOverview period, string? queue = null, string? agent = null, string? severity = null)
    {
        var query = new List<string>
        {
            "measure=" + measure,
            "from=" + Uri.EscapeDataString(period.From.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture)),
            "to=" + Uri.EscapeDataString(period.To.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture)),
        };
        if (queue is not null)
        {
            query.Add("queue=" + Uri.EscapeDataString(queue));
        }

        if (agent is not null)
        {
            query.Add("agent=" + Uri.EscapeDataString(agent));
        }

        if (severity is not null)
        {
            query.Add("severity=" + severity);
        }

        return "/dashboard/cases?" + string.Join("&", query);
    }

    /// <summary>A table of the overview as CSV (queues, agents, series), for the period and queue shown.</summary>
    public static string OverviewCsvLink(string table, MetricsOverview period, string? queue = null) =>
        $"/api/v1/metrics/overview.csv?table={table}&from={Iso(period.From)}&to={Iso(period.To)}&tz={Uri.EscapeDataString(period.TimeZone)}"
        + (queue is null ? "" : "&queue=" + Uri.EscapeDataString(queue)) + (table == "series" ? "&interval=" + period.Interval : "");

    /// <summary>A table of the Trust &amp; Safety page as CSV (actions, rules).</summary>
    public static string TrustSafetyCsvLink(string table, MetricsOverview period) =>
        $"/api/v1/metrics/trust-safety.csv?table={table}&from={Iso(period.From)}&to={Iso(period.To)}";

    private static string Iso(DateTime at) => Uri.EscapeDataString(at.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture));

    public static string Minutes(double? minutes) => minutes switch
    {
        null => "—",
        < 60 => $"{minutes:0.#} min",
        < 2_880 => $"{minutes / 60:0.#} h",
        _ => $"{minutes / 1_440:0.#} d",
    };

    public static string Share(double? share) => share is { } s ? s.ToString("P0", CultureInfo.InvariantCulture) : "—";

    public static string Average(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "—";

    /// <summary>A count per day of the seven days before today.</summary>
    public static string PerDay(int total) => (total / 7.0).ToString("0.#", CultureInfo.InvariantCulture);
}

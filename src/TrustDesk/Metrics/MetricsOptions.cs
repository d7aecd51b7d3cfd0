namespace TrustDesk.Metrics;

/// <summary>Configuration section <c>TrustDesk:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "TrustDesk:Metrics";

    public PrometheusOptions Prometheus { get; set; } = new();

    /// <summary>The time zone the console's dashboards count days in (IANA name): "today" is today there.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The live monitor's alerts: a queue's inflow in the last two hours at least this many times the same two hours a week earlier...</summary>
    public double SpikeFactor { get; set; } = 2.0;

    /// <summary>... and at least this many cases; SLA breaches in the last two hours from this many on are a breach storm.</summary>
    public int AlertMinimum { get; set; } = 5;

    /// <summary>How often the monitor's alerts are checked when nobody has the monitor open.</summary>
    public TimeSpan AlertInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Traces (and metrics) pushed over OTLP as well, when an endpoint is set (<c>http://collector:4317</c>).</summary>
    public string? OtlpEndpoint { get; set; }

    public CsatOptions Csat { get; set; } = new();
}

/// <summary>The Prometheus scrape endpoint and who may read it.</summary>
public sealed class PrometheusOptions
{
    public bool Enabled { get; set; } = true;

    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// A management port: the endpoint answers only on connections to this port (list it in <c>--urls</c>, bound to an
    /// internal address), without credentials, and is not found on any other. Unset: it answers on every port to a bearer key
    /// with the <c>metrics:read</c> scope, a Lead's or Admin's session, or (see <see cref="AllowLoopback"/>) a local scraper.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>
    /// Lets a scraper on the same machine in without credentials: a connection from a loopback address that no proxy
    /// forwarded (no <c>X-Forwarded-For</c> or <c>Forwarded</c> header). Turn off when a proxy on the same machine forwards
    /// public traffic without those headers.
    /// </summary>
    public bool AllowLoopback { get; set; } = true;
}

/// <summary>The satisfaction survey sent after a case is solved.</summary>
public sealed class CsatOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How long after solving the survey goes out (a case reopened meanwhile gets none).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>No second survey to the same person within this period.</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long the links in a survey work.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Categories never surveyed (crisis cases), besides every S1 case; codes or families (<c>safety</c>).</summary>
    public List<string> ExcludedCategories { get; set; } = ["safety", "conduct.threats_violence", "legal", "payments.account_takeover"];

    /// <summary>Where the links point: the public address of this server (<c>https://desk.example.com</c>).</summary>
    public string? PublicUrl { get; set; }

    /// <summary>How often the sender looks for surveys due.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}

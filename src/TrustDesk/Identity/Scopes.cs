namespace TrustDesk.Identity;

/// <summary>
/// What a platform API key may do. <see cref="Identity.Permissions.ByScope"/> says which permissions each scope grants.
/// </summary>
public static class Scopes
{
    public const string SubjectsWrite = "subjects:write";
    public const string EventsWrite = "events:write";
    public const string ReportsWrite = "reports:write";
    public const string CasesRead = "cases:read";
    public const string CasesWrite = "cases:write";
    public const string RulesRead = "rules:read";
    public const string RulesWrite = "rules:write";

    /// <summary>Cases of restricted categories (minors' safety, law-enforcement requests): a machine needs this on top of cases:read.</summary>
    public const string CasesRestricted = "cases:restricted";

    /// <summary>Personal data in clear (emails, phones, IPs, identifiers). For the platform's own integration, which holds the data anyway.</summary>
    public const string PersonalDataRead = "pii:read";

    /// <summary>Post raw email (relays and email services).</summary>
    public const string EmailWrite = "email:write";

    /// <summary>Confirm the execution of enforcement actions and forward users' appeals (the platform's side of enforcement).</summary>
    public const string ActionsWrite = "actions:write";

    /// <summary>Read the desk's figures: the metrics API and the Prometheus scrape endpoint (a scraper's bearer key).</summary>
    public const string MetricsRead = "metrics:read";

    public const string ClaimType = "scope";

    public static readonly string[] All = [SubjectsWrite, EventsWrite, ReportsWrite, CasesRead, CasesWrite, CasesRestricted, PersonalDataRead, RulesRead, RulesWrite, EmailWrite, ActionsWrite, MetricsRead];
}

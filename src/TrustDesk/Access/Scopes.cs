namespace TrustDesk.Access;

/// <summary>What an API key may do. Each scope is also the name of the authorisation policy that requires it.</summary>
public static class Scopes
{
    public const string SubjectsWrite = "subjects:write";
    public const string EventsWrite = "events:write";
    public const string ReportsWrite = "reports:write";
    public const string CasesRead = "cases:read";
    public const string CasesWrite = "cases:write";

    /// <summary>Post raw email (relays and email services).</summary>
    public const string EmailWrite = "email:write";

    public const string ClaimType = "scope";

    public static readonly string[] All = [SubjectsWrite, EventsWrite, ReportsWrite, CasesRead, CasesWrite, EmailWrite];
}

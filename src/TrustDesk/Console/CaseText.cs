using TrustDesk.Cases;
using TrustDesk.Identity;

namespace TrustDesk.AgentConsole;

/// <summary>How the console words and styles case fields.</summary>
public static class CaseText
{
    public static string ETag(CaseDetail detail) => $"\"{detail.Id}-{detail.Version}\"";

    public static string Status(string code) => code switch
    {
        "new" => "New",
        "open" => "Open",
        "pending_user" => "Pending user",
        "pending_internal" => "Pending internal",
        "on_hold" => "On hold",
        "solved" => "Solved",
        "closed" => "Closed",
        _ => code,
    };

    public static string SeverityClass(Taxonomy.Severity severity) => "td-sev td-sev-" + severity.ToString().ToLowerInvariant();

    public static string SeverityMeaning(Taxonomy.Severity severity) => severity switch
    {
        Taxonomy.Severity.S1 => "S1: risk to life, a child, threats, or harm happening live",
        Taxonomy.Severity.S2 => "S2: ban-level (counterfeits, scams, shill bidding, takeover)",
        Taxonomy.Severity.S3 => "S3: standard investigation",
        _ => "S4: low",
    };

    /// <summary>Compact age: 45s, 12m, 3h, 5d.</summary>
    public static string Age(DateTime since, DateTime now)
    {
        var age = now - since;
        return age.TotalMinutes < 1 ? $"{Math.Max(0, (int)age.TotalSeconds)}s"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes}m"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }

    public static string When(DateTime at) => at.ToString("d MMM HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    /// <summary>A system event of the timeline in words.</summary>
    public static string Event(TimelineEntry e) => e.Kind switch
    {
        CaseEventKinds.Created => $"opened the case ({e.Detail})",
        CaseEventKinds.ReportAdded => $"added a report ({e.To} in all)",
        CaseEventKinds.StatusChanged => $"changed status from {Status(e.From ?? "")} to {Status(e.To ?? "")}",
        CaseEventKinds.SeverityChanged => $"changed severity from {e.From} to {e.To}" + (e.Detail is null ? "" : $" ({e.Detail})"),
        CaseEventKinds.CategoryChanged => $"changed category from {e.From ?? "none"} to {e.To ?? "none"}",
        CaseEventKinds.QueueChanged => $"moved the case from {e.From} to {e.To}",
        CaseEventKinds.Assigned => e.To is null or "" ? "unassigned the case" : $"assigned the case to {e.To}",
        CaseEventKinds.TagsChanged => $"set tags to {(string.IsNullOrEmpty(e.To) ? "none" : e.To)}",
        CaseEventKinds.TitleChanged => $"retitled the case to “{e.To}”",
        CaseEventKinds.Escalated => $"escalated to {Department(e.To)}",
        CaseEventKinds.EscalationAnswered => $"answered for {Department(e.From)}",
        CaseEventKinds.EscalationAskedBack => $"asked the desk for {Department(e.From)}",
        CaseEventKinds.EscalationReplied => $"replied to {Department(e.From)}",
        CaseEventKinds.EscalationClosed => $"closed the escalation to {Department(e.From)}",
        _ => e.Kind.Replace('_', ' ') + (e.To is null ? "" : $": {e.To}"),
    };

    private static string Department(string? code) => code is null ? "a department" : Departments.All.GetValueOrDefault(code, code);
}

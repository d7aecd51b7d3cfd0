using System.Text.Json.Serialization;
using TrustDesk.Api;

namespace TrustDesk.Identity;

/// <summary>The roles of DESIGN.md. A user has exactly one; what it may do is in <see cref="Permissions"/>.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<UserRole>))]
public enum UserRole
{
    Agent,
    Specialist,
    Lead,
    Admin,
    DepartmentMember,
    Auditor,
}

/// <summary>The departments a case can be escalated to. Codes are stable; titles are for people.</summary>
public static class Departments
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["payments"] = "Payments",
        ["logistics"] = "Logistics",
        ["seller_ops"] = "Seller Ops",
        ["authentication"] = "Authentication",
        ["legal"] = "Legal",
        ["law_enforcement_response"] = "Law-Enforcement Response",
        ["security"] = "Security",
    };

    public static string List => string.Join(", ", All.Keys);
}

using TrustDesk.Data;
using System.Security.Claims;

namespace TrustDesk.Api;

/// <summary>Builds audit records for the caller of a request.</summary>
public static class AuditRecords
{
    public static AuditRecord By(ClaimsPrincipal caller, DateTime at, string action, string? targetType, string? targetId, string? detail, string? ip) =>
        new(at, caller.FindFirstValue("actor_type") ?? "api_key", caller.FindFirstValue(Caller.ClientIdClaim) ?? "", caller.Identity?.Name ?? "",
            action, targetType, targetId, detail, ip);

    public static AuditRecord BySystem(DateTime at, string action, string? targetType, string? targetId, string? detail) =>
        new(at, "system", "trustdesk", "TrustDesk", action, targetType, targetId, detail, null);
}

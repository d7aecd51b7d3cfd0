using System.Security.Claims;
using TrustDesk.Cases;

namespace TrustDesk.Web;

/// <summary>Who is calling, as the use cases need it.</summary>
public static class Caller
{
    public const string ClientIdClaim = "client_id";

    /// <summary>The stable id idempotency keys are scoped to: one client's key never collides with another's.</summary>
    public static string ClientId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClientIdClaim) ?? throw new InvalidOperationException("The caller has no client id.");

    public static Actor ToActor(this ClaimsPrincipal user) =>
        new(user.FindFirstValue("actor_type") ?? "api_key", user.ClientId(), user.Identity?.Name ?? "unknown");
}

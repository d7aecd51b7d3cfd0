using System.Security.Claims;

namespace TrustDesk.Api;

/// <summary>Who is calling, as the use cases need it.</summary>
public static class Caller
{
    public const string ClientIdClaim = "client_id";

    /// <summary>The stable id idempotency keys are scoped to: one client's key never collides with another's.</summary>
    public static string ClientId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClientIdClaim) ?? throw new InvalidOperationException("The caller has no client id.");
}

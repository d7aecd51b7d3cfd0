using System.Security.Claims;
using TrustDesk.Api;

namespace TrustDesk.Cases;

/// <summary>Who made a change: an API client, an agent, or TrustDesk itself.</summary>
public sealed record Actor(string Type, string Id, string Name)
{
    public static readonly Actor System = new("system", "trustdesk", "TrustDesk");

    public static Actor ApiClient(Guid apiKeyId, string name) => new("api_key", apiKeyId.ToString(), name);
}

public static class CallerActor
{
    /// <summary>The caller as the actor of the changes it makes.</summary>
    public static Actor ToActor(this ClaimsPrincipal user) =>
        new(user.FindFirstValue("actor_type") ?? "api_key", user.ClientId(), user.Identity?.Name ?? "unknown");
}

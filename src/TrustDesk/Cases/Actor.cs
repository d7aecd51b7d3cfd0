namespace TrustDesk.Cases;

/// <summary>Who made a change: an API client, an agent, or TrustDesk itself.</summary>
public sealed record Actor(string Type, string Id, string Name)
{
    public static readonly Actor System = new("system", "trustdesk", "TrustDesk");

    public static Actor ApiClient(Guid apiKeyId, string name) => new("api_key", apiKeyId.ToString(), name);
}

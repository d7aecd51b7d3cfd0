using System.Text.Json.Serialization;
using TrustDesk.Api;

namespace TrustDesk.Cases;

/// <summary>How a case stands against its service-level targets. Serialised in snake case (<c>at_risk</c>).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<CaseSlaState>))]
public enum CaseSlaState
{
    /// <summary>No target is running (none set, or all met).</summary>
    None = 0,
    Ok = 1,

    /// <summary>A target has used up the warning share of its time (75 % by default).</summary>
    AtRisk = 2,

    /// <summary>A target that is still unmet is past its due time.</summary>
    Breached = 3,
}

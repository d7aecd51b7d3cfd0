using System.Text.Json;
using System.Text.Json.Serialization;
using TrustDesk.Api;

namespace TrustDesk.Cases;

/// <summary>Where a case stands. Serialised in snake case (<c>pending_user</c>).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<CaseStatus>))]
public enum CaseStatus
{
    New,
    Open,
    PendingUser,
    PendingInternal,
    OnHold,
    Solved,
    Closed,
}

public static class CaseStatusRules
{
    // The legal moves. Closed is final: a user writing again about a closed case gets a new, linked case.
    private static readonly Dictionary<CaseStatus, CaseStatus[]> Allowed = new()
    {
        [CaseStatus.New] = [CaseStatus.Open, CaseStatus.PendingUser, CaseStatus.PendingInternal, CaseStatus.OnHold, CaseStatus.Solved],
        [CaseStatus.Open] = [CaseStatus.PendingUser, CaseStatus.PendingInternal, CaseStatus.OnHold, CaseStatus.Solved],
        [CaseStatus.PendingUser] = [CaseStatus.Open, CaseStatus.PendingInternal, CaseStatus.OnHold, CaseStatus.Solved],
        [CaseStatus.PendingInternal] = [CaseStatus.Open, CaseStatus.PendingUser, CaseStatus.OnHold, CaseStatus.Solved],
        [CaseStatus.OnHold] = [CaseStatus.Open, CaseStatus.PendingUser, CaseStatus.PendingInternal, CaseStatus.Solved],
        [CaseStatus.Solved] = [CaseStatus.Open, CaseStatus.Closed],
        [CaseStatus.Closed] = [],
    };

    public static bool CanMove(CaseStatus from, CaseStatus to) => Allowed[from].Contains(to);

    public static IReadOnlyList<CaseStatus> NextFrom(CaseStatus from) => Allowed[from];

    /// <summary>Open means still being worked: reports and replies join it.</summary>
    public static bool IsOpen(CaseStatus status) => status is not (CaseStatus.Solved or CaseStatus.Closed);

    public static string ToCode(CaseStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    public static bool TryParse(string? code, out CaseStatus status)
    {
        foreach (var candidate in Enum.GetValues<CaseStatus>())
        {
            if (string.Equals(ToCode(candidate), code, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}

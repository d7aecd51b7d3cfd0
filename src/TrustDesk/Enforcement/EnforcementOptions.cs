namespace TrustDesk.Enforcement;

/// <summary>TrustDesk:Enforcement.</summary>
public sealed class EnforcementOptions
{
    public const string Section = "TrustDesk:Enforcement";

    /// <summary>Suspensions longer than this need a second person's approval.</summary>
    public int SuspensionApprovalDays { get; set; } = 7;

    /// <summary>Payout holds over this amount (minor units), or of everything, need approval.</summary>
    public long PayoutHoldApprovalAmount { get; set; } = 100_000;

    /// <summary>Any action on an account that sold more than this many orders needs approval.</summary>
    public int LargeSellerSales { get; set; } = 500;

    /// <summary>How long a proposal waits for its approval before it can no longer be approved.</summary>
    public double ApprovalExpiryHours { get; set; } = 72;

    /// <summary>How long after the statement the user may appeal (DSA Art. 20: at least six months).</summary>
    public int AppealWindowDays { get; set; } = 183;

    /// <summary>The address users reach TrustDesk's public appeal page on; the links in statements start with it.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>The name statements are signed with.</summary>
    public string PlatformName { get; set; } = "the marketplace";
}

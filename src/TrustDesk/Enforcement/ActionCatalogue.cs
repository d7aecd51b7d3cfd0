using System.Collections.Frozen;
using TrustDesk.Identity;
using TrustDesk.Subjects;

namespace TrustDesk.Enforcement;

/// <summary>
/// One kind of action TrustDesk can tell the platform to take.
/// </summary>
/// <param name="Restriction">Restricts the user (DSA Art. 17): it gets a statement of reasons, a strike and an appeal.</param>
/// <param name="Severity">1 (a warning) to 4 (a ban); the ladder and the console's ordering read it.</param>
/// <param name="Duration">Whether durationDays is required, optional or not taken.</param>
public sealed record ActionDefinition(
    string Kind,
    string Title,
    SubjectKind[] SubjectKinds,
    bool Reversible,
    string Permission,
    int Severity,
    bool Restriction,
    DurationUse Duration,
    AmountUse Amount);

public enum DurationUse
{
    None,
    Optional,
    Required,
}

public enum AmountUse
{
    None,

    /// <summary>An amount may be given (a payout hold of that much); none means everything.</summary>
    Optional,

    /// <summary>refund_order: full, or partial with an amount.</summary>
    Refund,
}

/// <summary>The action catalogue. The same for every platform today; what a platform does on each is its own business.</summary>
public static class ActionCatalogue
{
    public const int MaxDurationDays = 365;

    public static readonly ActionDefinition[] All =
    [
        new("warn", "Warn", [SubjectKind.Account, SubjectKind.Listing, SubjectKind.Livestream], true, Permissions.ActionsTake, 1, true, DurationUse.None, AmountUse.None),
        new("remove_listing", "Remove listing", [SubjectKind.Listing], true, Permissions.ActionsTake, 2, true, DurationUse.None, AmountUse.None),
        new("end_livestream", "End livestream", [SubjectKind.Livestream], false, Permissions.ActionsTake, 2, true, DurationUse.None, AmountUse.None),
        new("restrict_selling", "Restrict selling", [SubjectKind.Account], true, Permissions.ActionsTake, 2, true, DurationUse.Optional, AmountUse.None),
        new("restrict_buying", "Restrict buying", [SubjectKind.Account], true, Permissions.ActionsTake, 2, true, DurationUse.Optional, AmountUse.None),
        new("require_verification", "Require verification", [SubjectKind.Account], true, Permissions.ActionsTake, 1, true, DurationUse.None, AmountUse.None),
        new("suspend_account", "Suspend account", [SubjectKind.Account], true, Permissions.ActionsTakeSevere, 3, true, DurationUse.Required, AmountUse.None),
        new("ban_account", "Ban account", [SubjectKind.Account], true, Permissions.ActionsTakeSevere, 4, true, DurationUse.None, AmountUse.None),
        new("hold_payouts", "Hold payouts", [SubjectKind.Account], true, Permissions.ActionsTakeSevere, 3, true, DurationUse.Optional, AmountUse.Optional),
        new("release_payouts", "Release payouts", [SubjectKind.Account], false, Permissions.ActionsTakeSevere, 1, false, DurationUse.None, AmountUse.None),
        new("cancel_order", "Cancel order", [SubjectKind.Order], false, Permissions.ActionsTake, 2, false, DurationUse.None, AmountUse.None),
        new("refund_order", "Refund order", [SubjectKind.Order], false, Permissions.ActionsTakeSevere, 2, false, DurationUse.None, AmountUse.Refund),
    ];

    public static readonly FrozenDictionary<string, ActionDefinition> ByKind = All.ToFrozenDictionary(a => a.Kind, StringComparer.Ordinal);

    public static string KindList => string.Join(", ", All.Select(a => a.Kind));

    /// <summary>The action a rule's <c>propose</c> names (the rules language's older, shorter names), as a kind of the catalogue.</summary>
    public static (string Kind, int? DurationDays) FromRuleAction(string ruleAction) => ruleAction switch
    {
        "restrict" or "revoke_selling" => ("restrict_selling", 3),
        "end_stream" => ("end_livestream", null),
        "hold_payout" => ("hold_payouts", null),
        "suspend" => ("suspend_account", 7),
        "ban" => ("ban_account", null),
        "refund" => ("refund_order", null),
        _ => (ruleAction, null),
    };
}

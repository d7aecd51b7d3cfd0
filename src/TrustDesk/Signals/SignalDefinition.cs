using TrustDesk.Subjects;

namespace TrustDesk.Signals;

/// <summary>
/// A signal, defined as data: a count of one event type for one role in a window, a ratio of two such counts, or a
/// distinct count of accounts sharing an identifier. More can be added under <c>TrustDesk:Signals:Definitions</c>
/// without code.
/// </summary>
public sealed class SignalDefinition
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";

    /// <summary><c>count</c>, <c>ratio</c> or <c>distinct</c>.</summary>
    public string Kind { get; set; } = "count";

    /// <summary>The kind of subject it is shown for.</summary>
    public SubjectKind Subject { get; set; }

    /// <summary>count and ratio: the event type (<c>report</c> for reports) and the subject's role in it.</summary>
    public string? EventType { get; set; }
    public string? Role { get; set; }

    /// <summary>ratio: the denominator's event type and role.</summary>
    public string? OverEventType { get; set; }
    public string? OverRole { get; set; }

    /// <summary>distinct: the identifier type accounts share.</summary>
    public IdentifierType? Identifier { get; set; }

    public TimeSpan Window { get; set; }
}

public sealed class SignalOptions
{
    public List<SignalDefinition> Definitions { get; set; } = [];
}

public static class DefaultSignals
{
    private static SignalDefinition Count(string name, SubjectKind subject, string eventType, string role, TimeSpan window, string description) =>
        new() { Name = name, Kind = "count", Subject = subject, EventType = eventType, Role = role, Window = window, Description = description };

    public static readonly SignalDefinition[] All =
    [
        Count("reports_10m", SubjectKind.Livestream, "report", "reported", TimeSpan.FromMinutes(10), "Reports about this stream in the last 10 minutes"),
        Count("reports_24h", SubjectKind.Livestream, "report", "reported", TimeSpan.FromHours(24), "Reports about this stream in the last 24 hours"),
        Count("reports_30d", SubjectKind.Account, "report", "reported", TimeSpan.FromDays(30), "Reports about this account in the last 30 days"),
        Count("orders_sold_30d", SubjectKind.Account, "order.placed", "seller", TimeSpan.FromDays(30), "Orders sold in the last 30 days"),
        Count("late_shipments_30d", SubjectKind.Account, "shipment.late", "seller", TimeSpan.FromDays(30), "Shipments that missed their ship-by date, last 30 days"),
        new()
        {
            Name = "late_shipping_rate_30d", Kind = "ratio", Subject = SubjectKind.Account, EventType = "shipment.late", Role = "seller",
            OverEventType = "order.placed", OverRole = "seller", Window = TimeSpan.FromDays(30), Description = "Late shipments per order sold, last 30 days",
        },
        Count("chargebacks_90d", SubjectKind.Account, "chargeback.opened", "buyer", TimeSpan.FromDays(90), "Chargebacks this buyer opened, last 90 days"),
        Count("chargebacks_against_90d", SubjectKind.Account, "chargeback.opened", "seller", TimeSpan.FromDays(90), "Chargebacks against this seller, last 90 days"),
        Count("bids_24h", SubjectKind.Account, "bid.placed", "bidder", TimeSpan.FromHours(24), "Bids placed in the last 24 hours"),
        Count("new_device_logins_24h", SubjectKind.Account, "login.new_device", "account", TimeSpan.FromHours(24), "Sign-ins from new devices, last 24 hours"),
        Count("payout_bank_changes_30d", SubjectKind.Account, "payout.bank_changed", "account", TimeSpan.FromDays(30), "Payout bank changes, last 30 days"),
        new()
        {
            Name = "accounts_sharing_device", Kind = "distinct", Subject = SubjectKind.Account, Identifier = IdentifierType.Device,
            Description = "Accounts (this one included) that share a device with this account",
        },
        new()
        {
            Name = "accounts_sharing_payment", Kind = "distinct", Subject = SubjectKind.Account, Identifier = IdentifierType.PaymentFingerprint,
            Description = "Accounts (this one included) that share a payment fingerprint with this account",
        },
    ];
}


namespace TrustDesk.Taxonomy;

/// <summary>The default categories of DESIGN.md, seeded by the migrations.</summary>
public static class DefaultTaxonomy
{
    public static readonly Category[] All =
    [
        new("order.not_received", "Order not received", Severity.S3, "orders", "Logistics,Payments,Seller Ops", false),
        new("order.delivered_not_received", "Delivered but not received", Severity.S3, "orders", "Logistics,Payments,Seller Ops", false),
        new("order.not_as_described", "Item not as described", Severity.S3, "orders", "Logistics,Payments,Seller Ops", false),
        new("order.late_shipment", "Late shipment", Severity.S3, "orders", "Seller Ops,Logistics", false),
        new("order.missing_hit", "Missing hit from a break", Severity.S2, "orders", "Seller Ops,Logistics", false),
        new("authenticity.counterfeit", "Counterfeit item", Severity.S2, "authenticity", "Authentication,Legal", false),
        new("authenticity.altered_or_regraded", "Altered or regraded item", Severity.S2, "authenticity", "Authentication,Legal", false),
        new("authenticity.resealed_packs", "Resealed packs", Severity.S2, "authenticity", "Authentication,Legal", false),
        new("authenticity.ip_infringement", "Intellectual property infringement", Severity.S3, "legal", "Legal", false),
        new("auction.shill_bidding", "Shill bidding", Severity.S2, "auctions", "Seller Ops,Payments", false),
        new("auction.break_manipulation", "Break manipulation", Severity.S2, "auctions", "Seller Ops,Payments", false),
        new("auction.non_paying_bidder", "Non-paying bidder", Severity.S3, "auctions", "Payments,Seller Ops", false),
        new("auction.giveaway_rigging", "Rigged giveaway", Severity.S3, "auctions", "Payments,Seller Ops", false),
        new("auction.misleading_value", "Misleading value claims", Severity.S3, "auctions", "Payments,Seller Ops", false),
        new("payments.off_platform", "Off-platform payment", Severity.S2, "payments", "Payments,Security", false),
        new("payments.phishing_impersonation", "Phishing or impersonation", Severity.S2, "payments", "Payments,Security", false),
        new("payments.fake_prize_fee", "Fake prize fee", Severity.S2, "payments", "Payments,Security", false),
        new("payments.account_takeover", "Account takeover", Severity.S1, "payments", "Security,Payments", false),
        new("payments.chargeback_abuse", "Chargeback abuse", Severity.S3, "payments", "Payments", false),
        new("payments.refund_abuse", "Refund abuse", Severity.S3, "payments", "Payments", false),
        new("payments.stolen_card", "Stolen card", Severity.S2, "payments", "Payments,Logistics", false),
        new("payments.ban_evasion", "Ban evasion", Severity.S2, "payments", "Payments,Logistics", false),
        new("payments.fake_tracking", "Fake tracking number", Severity.S2, "payments", "Payments,Logistics", false),
        new("conduct.harassment", "Harassment", Severity.S3, "conduct", "Support,Policy", false),
        new("conduct.staff_abuse", "Abuse of staff", Severity.S3, "conduct", "Support,Policy", false),
        new("conduct.hate", "Hate", Severity.S2, "conduct", "Policy,Legal", false),
        new("conduct.sexual", "Sexual content", Severity.S2, "conduct", "Policy,Legal", false),
        new("conduct.doxxing", "Doxxing", Severity.S2, "conduct", "Policy,Legal", false),
        new("conduct.threats_violence", "Threats of violence", Severity.S1, "crisis", "Law-Enforcement Response,Legal", false),
        new("conduct.spam", "Spam", Severity.S4, "conduct", "Policy", false),
        new("safety.self_harm", "Self-harm", Severity.S1, "crisis", "Support,Law-Enforcement Response", false),
        new("safety.minor", "Minor's safety", Severity.S1, "crisis", "Legal,Law-Enforcement Response", true),
        new("safety.child_exploitation", "Child exploitation", Severity.S1, "crisis", "Legal,Law-Enforcement Response", true),
        new("safety.prohibited_item", "Prohibited item", Severity.S2, "conduct", "Policy,Legal", false),
        new("safety.stolen_goods", "Stolen goods", Severity.S2, "conduct", "Policy,Legal", false),
        new("legal.law_enforcement_request", "Law-enforcement request", Severity.S1, "legal", "Legal,Law-Enforcement Response", true),
    ];
}

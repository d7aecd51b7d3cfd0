using TrustDesk.Queues;
using TrustDesk.Taxonomy;
using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Triage;

/// <summary>
/// The names rules may use, so that a typo is a compile error rather than a rule that silently never fires. The defaults
/// cover the event catalogue of issue 4, the taxonomy and the shipped lexicons; intake passes its own catalogue when it
/// has one.
/// </summary>
public sealed class TriageVocabulary
{
    public static TriageVocabulary Default { get; } = new();

    /// <summary>Kinds <c>x.kind</c> is compared against.</summary>
    public static readonly string[] SubjectKinds = ["account", "livestream", "listing", "order", "shipment", "payment", "agent", "contact"];

    /// <summary>Role names a condition may use. At most 64.</summary>
    public IReadOnlyList<string> Roles { get; init; } =
    [
        "subject", "author", "reporter", "seller", "buyer", "bidder", "winner", "host",
        "account", "livestream", "listing", "order", "shipment", "payment",
    ];

    /// <summary>Platform event types (triggers <c>event.&lt;type&gt;</c> and the first argument of <c>count</c>).</summary>
    public IReadOnlyCollection<string> EventTypes { get; init; } =
    [
        "order.placed", "order.cancelled", "bid.placed", "auction.won", "shipment.label_created", "shipment.scanned",
        "shipment.delivered", "shipment.late", "chargeback.opened", "refund.issued", "login.new_device",
        "payout.bank_changed", "stream.started", "stream.ended", "message.flagged",
    ];

    /// <summary>Identifier types <c>distinct</c> counts by.</summary>
    public IReadOnlyCollection<string> IdentifierTypes { get; init; } =
        ["device", "ip", "payment_fingerprint", "address_hash", "phone", "email", "tracking_number"];

    /// <summary>Taxonomy codes a <c>category</c> action may name; null accepts any.</summary>
    public IReadOnlyCollection<string>? Categories { get; init; } = DefaultTaxonomy.All.Select(c => c.Code).ToArray();

    /// <summary>Queue names a <c>queue</c> action may name; null accepts any.</summary>
    public IReadOnlyCollection<string>? Queues { get; init; } = DefaultQueues.All.Select(q => q.Name).ToArray();

    /// <summary>The lexicons <c>lexicon("name")</c> may name; the shipped ones unless given.</summary>
    public LexiconCatalog Lexicons
    {
        get => field ??= LexiconCatalog.Default;
        init;
    }

    /// <summary>
    /// The classifier that suggests a category for texts (<c>suggested.*</c> in rules; fills the category when no rule
    /// gives one and adds crisis detection above its threshold). None by default: the engine passes the models in force.
    /// </summary>
    public Classifier.TriageModel? Classifier { get; init; }

    /// <summary>A candidate model in shadow: its suggestions are recorded as shadow hits and change nothing.</summary>
    public Classifier.TriageModel? ShadowClassifier { get; init; }

    /// <summary>Event types that <c>count</c> accepts besides platform events: user reports and messages.</summary>
    internal static readonly string[] DeskEventTypes = ["report", "message"];
}

using TrustDesk.Cases;
using TrustDesk.Signals;
using TrustDesk.Subjects;

namespace TrustDesk.AgentConsole;

/// <summary>What the investigation panel knows about one subject of a case. Identifiers come masked.</summary>
/// <param name="Details">What only callers who may read subjects see (signals, linked accounts, orders, events); null otherwise.</param>
public sealed record SubjectFile(
    Guid Id,
    SubjectKind Kind,
    string ExternalId,
    string DisplayName,
    SubjectRole Role,
    string Status,
    DateTime? CreatedOnPlatformAt,
    IReadOnlyList<SubjectIdentifierView> Identifiers,
    IReadOnlyList<SubjectLinkView> Links,
    int ReportsAgainst,
    IReadOnlyList<PriorCase> PriorCases,
    SubjectDetails? Details);

/// <summary>Another case about the same subject, with what the agents decided when they solved it.</summary>
public sealed record PriorCase(long Id, string Number, string Title, string Status, string? Resolution);

public sealed record SubjectDetails(
    IReadOnlyList<SignalValue> Signals,
    IReadOnlyList<LinkedAccountView> LinkedAccounts,
    IReadOnlyList<string> SkippedCommonIdentifiers,
    AccountOrders? Orders,
    LivestreamView? Livestream,
    OrderView? Order,
    IReadOnlyList<SubjectEvent> Events);

/// <summary>
/// An account linked to the subject through a shared identifier (the last step of the path, masked), and how many of
/// its cases the caller may see: cases the caller may not see are not counted, so they do not leak through here.
/// </summary>
public sealed record LinkedAccountView(string ExternalId, string DisplayName, string Status, int Hops, IdentifierType Via, string Value, int VisibleCases);

/// <summary>An account's orders as buyer and seller, and the most recent ones.</summary>
public sealed record AccountOrders(int Bought, int Sold, IReadOnlyList<OrderLine> Recent);

public sealed record OrderLine(string ExternalId, string DisplayName, string Relation, string? Amount, DateTime? PlacedAt, string? ShipmentState);

public sealed record LivestreamView(string? Host, string? HostExternalId, bool LiveNow, DateTime? StartedAt, DateTime? EndedAt, int Reports, int VisibleCases);

public sealed record OrderView(
    string? Buyer, string? BuyerExternalId, string? Seller, string? SellerExternalId, string? Stream, string? Amount,
    string? ShipmentExternalId, string? Tracking, string? ShipmentState);

/// <summary>One platform event on the subject's timeline, with the part the subject played in it.</summary>
public sealed record SubjectEvent(DateTime OccurredAt, string Type, string Role);

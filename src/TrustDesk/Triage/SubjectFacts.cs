using TrustDesk.Subjects;

namespace TrustDesk.Triage;

/// <summary>
/// Names a subject for the context's lookups (signals, linked accounts). <see cref="Kind"/> is the snake_case kind
/// rules compare against (<c>account</c>, <c>livestream</c>...), or <c>agent</c> / <c>contact</c> for an author who is
/// not a platform object.
/// </summary>
public readonly record struct SubjectHandle(Guid Id, string Kind, string ExternalId)
{
    public static SubjectHandle For(SubjectKind kind, Guid id, string externalId) => new(id, KindName(kind), externalId);

    public static string KindName(SubjectKind kind) => kind switch
    {
        SubjectKind.Account => "account",
        SubjectKind.Livestream => "livestream",
        SubjectKind.Listing => "listing",
        SubjectKind.Order => "order",
        SubjectKind.Shipment => "shipment",
        SubjectKind.Payment => "payment",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public override string ToString() => $"{Kind}:{ExternalId}";
}

/// <summary>
/// What rules may read about one subject without a lookup: intake loads these with the subject. Lookups that need
/// history (counts, linked accounts) go through <see cref="ITriageContext"/> instead.
/// </summary>
public sealed record SubjectFacts(SubjectHandle Handle)
{
    /// <summary>When the object was created on the platform; <c>age</c> is measured from here. Unknown age compares false.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>A livestream that is live now (between <c>stream.started</c> and <c>stream.ended</c>).</summary>
    public bool Live { get; init; }

    /// <summary>The account is banned.</summary>
    public bool Banned { get; init; }

    /// <summary>The author is one of the desk's own agents (an internal note or a reply).</summary>
    public bool IsAgent { get; init; }

    /// <summary>An author about whom nothing is known (a report without a reporter).</summary>
    public static SubjectFacts Anonymous { get; } = new(new SubjectHandle(Guid.Empty, "contact", "anonymous"));

    public static SubjectFacts Agent(Guid userId, string name) => new(new SubjectHandle(userId, "agent", name)) { IsAgent = true };
}

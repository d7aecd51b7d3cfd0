namespace TrustDesk.Triage;

/// <summary>
/// The history that rules read, answered by intake from its incremental windowed counters and the linked-accounts
/// graph. A context answers for one item: every window ends at that item's <see cref="TriageInput.At"/>, and intake
/// records the item (and updates the counters) before triage runs, so the item counts itself.
/// The engine asks each distinct question at most once per evaluation.
/// </summary>
public interface ITriageContext : ISignalSource, ILinkedAccounts;

/// <summary>Windowed aggregates per subject.</summary>
public interface ISignalSource
{
    /// <summary>
    /// How many events of <paramref name="eventType"/> involve <paramref name="subject"/> in the window
    /// (<c>At − window</c>, <c>At</c>]. <paramref name="eventType"/> is a platform event type (<c>order.placed</c>), or
    /// <c>report</c> for user reports (role <c>reported</c>: reports about it; role <c>reporter</c>: reports it filed), or
    /// <c>message</c> for messages on cases. When <paramref name="role"/> is not null only events in which the subject
    /// had that role count (<c>seller</c> of <c>order.placed</c>); null counts every role.
    /// </summary>
    long Count(string eventType, SubjectHandle subject, string? role, TimeSpan window);

    /// <summary>
    /// How many distinct subjects of the same kind as <paramref name="subject"/>, itself included, carry an identifier of
    /// <paramref name="identifierType"/> (<c>device</c>, <c>tracking_number</c>...) equal to one of the subject's own,
    /// counting identifiers seen in the window. 1 means nobody shares it; 0 means the subject has none.
    /// </summary>
    long Distinct(string identifierType, SubjectHandle subject, TimeSpan window);
}

/// <summary>The linked-accounts graph: accounts connected through shared identifiers.</summary>
public interface ILinkedAccounts
{
    /// <summary>
    /// The shortest chain of shared identifiers from <paramref name="from"/> to <paramref name="to"/> of at most
    /// <paramref name="maxHops"/> hops (one hop: two accounts share an identifier), or null when there is none.
    /// </summary>
    LinkPath? FindLink(SubjectHandle from, SubjectHandle to, int maxHops);

    /// <summary>The shortest chain of at most <paramref name="maxHops"/> hops to a banned account, or null.</summary>
    LinkPath? FindLinkToBanned(SubjectHandle from, int maxHops);
}

/// <summary>One hop of a link: the identifier two accounts share and the account reached through it.</summary>
public sealed record LinkStep(string IdentifierType, SubjectHandle Reached);

/// <summary>A chain of shared identifiers from one account to another; what an agent reads to see why two are linked.</summary>
public sealed record LinkPath(SubjectHandle From, IReadOnlyList<LinkStep> Steps)
{
    public int Hops => Steps.Count;

    public override string ToString() =>
        From + string.Concat(Steps.Select(s => $" -{s.IdentifierType}-> {s.Reached}"));
}

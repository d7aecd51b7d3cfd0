using TrustDesk.Triage;

namespace TrustDesk.Bench.Rules;

/// <summary>
/// Signals and links that cost what an in-memory counter lookup costs: deterministic answers computed from the
/// question, so both engines see the same numbers. A quiet history (counts of 0 to 2) lets few rules fire, as in
/// production; a busy one (counts up to 11) makes a third of them fire, to price the hit records.
/// </summary>
internal sealed class BenchContext(bool busy) : ITriageContext
{
    public static readonly BenchContext Quiet = new(busy: false);
    public static readonly BenchContext Busy = new(busy: true);

    public long Count(string eventType, SubjectHandle subject, string? role, TimeSpan window) => busy
        ? ((Sum(eventType) + Sum(role) + Sum(subject.ExternalId)) % 5) + ((long)window.TotalHours % 4) + (eventType == "report" ? 4 : 0)
        : (Sum(eventType) + Sum(role) + Sum(subject.ExternalId) + (long)window.TotalHours) % 3;

    public long Distinct(string identifierType, SubjectHandle subject, TimeSpan window) =>
        1 + ((Sum(identifierType) + (int)window.TotalDays) % 3);

    public LinkPath? FindLink(SubjectHandle from, SubjectHandle to, int maxHops) =>
        maxHops >= (busy ? 3 : 4) ? new LinkPath(from, [new LinkStep("device", new SubjectHandle(Guid.Empty, "account", "middle")), new LinkStep("ip", to)]) : null;

    public LinkPath? FindLinkToBanned(SubjectHandle from, int maxHops) =>
        maxHops >= 4 ? new LinkPath(from, [new LinkStep("phone", new SubjectHandle(Guid.Empty, "account", "banned"))]) : null;

    private static int Sum(string? text)
    {
        var sum = 0;
        foreach (var c in text ?? "")
        {
            sum += c;
        }

        return sum;
    }
}

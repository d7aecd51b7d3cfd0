using TrustDesk.Triage;

namespace TrustDesk.Tests.Triage;

/// <summary>
/// Test data: a small platform history kept in lists, answering the triage context's questions the way the
/// interface documents them (windows ending at <see cref="At"/>, the item itself included).
/// </summary>
internal sealed class History : ITriageContext
{
    private readonly List<(string Type, SubjectHandle Subject, string Role, DateTimeOffset At)> _events = [];
    private readonly List<(SubjectHandle Subject, string Type, string Value, DateTimeOffset At)> _identifiers = [];
    private readonly HashSet<SubjectHandle> _banned = [];

    public History(DateTimeOffset at) => At = at;

    public DateTimeOffset At { get; set; }

    public List<string> Questions { get; } = [];

    public History Event(string type, DateTimeOffset at, params (string Role, SubjectFacts Subject)[] subjects)
    {
        foreach (var (role, subject) in subjects)
        {
            _events.Add((type, subject.Handle, role, at));
        }

        return this;
    }

    /// <summary>The same event <paramref name="times"/> times, one minute apart, ending at <paramref name="last"/>.</summary>
    public History Events(string type, int times, DateTimeOffset last, params (string Role, SubjectFacts Subject)[] subjects)
    {
        for (var i = 0; i < times; i++)
        {
            Event(type, last.AddMinutes(-i), subjects);
        }

        return this;
    }

    public History Identify(SubjectFacts subject, string type, string value, DateTimeOffset? at = null)
    {
        _identifiers.Add((subject.Handle, type, value, at ?? At));
        return this;
    }

    public History Ban(SubjectFacts account)
    {
        _banned.Add(account.Handle);
        return this;
    }

    public long Count(string eventType, SubjectHandle subject, string? role, TimeSpan window)
    {
        Questions.Add($"count {eventType} {subject} {role} {window}");
        return _events.Count(e => e.Type == eventType && e.Subject == subject && (role is null || e.Role == role) && InWindow(e.At, window));
    }

    public long Distinct(string identifierType, SubjectHandle subject, TimeSpan window)
    {
        Questions.Add($"distinct {identifierType} {subject} {window}");
        var recent = _identifiers.Where(i => i.Type == identifierType && InWindow(i.At, window)).ToList();
        var values = recent.Where(i => i.Subject == subject).Select(i => i.Value).ToHashSet();
        return recent.Where(i => values.Contains(i.Value) && i.Subject.Kind == subject.Kind).Select(i => i.Subject).Distinct().Count();
    }

    public LinkPath? FindLink(SubjectHandle from, SubjectHandle to, int maxHops)
    {
        Questions.Add($"link {from} {to} {maxHops}");
        return Search(from, maxHops, s => s == to);
    }

    public LinkPath? FindLinkToBanned(SubjectHandle from, int maxHops)
    {
        Questions.Add($"banned {from} {maxHops}");
        return Search(from, maxHops, _banned.Contains);
    }

    private bool InWindow(DateTimeOffset at, TimeSpan window) => at > At - window && at <= At;

    /// <summary>Breadth-first over accounts that share an identifier.</summary>
    private LinkPath? Search(SubjectHandle from, int maxHops, Func<SubjectHandle, bool> goal)
    {
        var paths = new Dictionary<SubjectHandle, List<LinkStep>> { [from] = [] };
        var frontier = new List<SubjectHandle> { from };
        for (var hop = 1; hop <= maxHops && frontier.Count > 0; hop++)
        {
            var next = new List<SubjectHandle>();
            foreach (var account in frontier)
            {
                foreach (var mine in _identifiers.Where(i => i.Subject == account))
                {
                    foreach (var other in _identifiers.Where(i => i.Type == mine.Type && i.Value == mine.Value && !paths.ContainsKey(i.Subject)))
                    {
                        var path = new List<LinkStep>(paths[account]) { new(mine.Type, other.Subject) };
                        paths[other.Subject] = path;
                        if (goal(other.Subject))
                        {
                            return new LinkPath(from, path);
                        }

                        next.Add(other.Subject);
                    }
                }
            }

            frontier = next;
        }

        return null;
    }
}

/// <summary>Subjects for tests.</summary>
internal static class Subjects
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 20, 0, 0, TimeSpan.Zero);

    public static SubjectFacts Account(string id, int ageDays = 400) =>
        new(new SubjectHandle(Guid.NewGuid(), "account", id)) { CreatedAt = Now.AddDays(-ageDays) };

    public static SubjectFacts Stream(string id, bool live) =>
        new(new SubjectHandle(Guid.NewGuid(), "livestream", id)) { Live = live, CreatedAt = Now.AddHours(-1) };

    public static SubjectFacts Of(string kind, string id) => new(new SubjectHandle(Guid.NewGuid(), kind, id));
}

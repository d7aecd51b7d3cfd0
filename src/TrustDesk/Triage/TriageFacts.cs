using TrustDesk.Subjects;

namespace TrustDesk.Triage;

/// <summary>Subjects as the rules see them, whatever reads them (the intake batch, stored history).</summary>
public static class TriageFacts
{
    /// <summary>The facts rules read about a subject without a lookup.</summary>
    public static SubjectFacts Of(Subject subject) => new(SubjectHandle.For(subject.Kind, subject.Id, subject.ExternalId))
    {
        CreatedAt = subject.CreatedOnPlatformAt is { } created ? new DateTimeOffset(created, TimeSpan.Zero) : null,
        Live = subject.IsLive,
        Banned = subject.IsBanned,
    };

    /// <summary>A walk of the account graph as rules report it.</summary>
    public static LinkPath? ToPath(SubjectHandle from, ReachedAccount? reached) =>
        reached is null ? null
        : new LinkPath(from, [.. reached.Path.Select(step => new LinkStep(
            SubjectIdentifierNames.Of(step.Via), new SubjectHandle(Guid.Empty, "account", step.To)))]);
}

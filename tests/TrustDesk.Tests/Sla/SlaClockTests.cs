using TrustDesk.Taxonomy;
using TrustDesk.Cases;
using TrustDesk.Queues;
using TrustDesk.Sla;

namespace TrustDesk.Tests.Sla;

/// <summary>
/// The clock over a real case and the default policies (DESIGN.md): S1 15 min / 4 h around the clock; S3 8 business
/// hours / 3 business days in team hours (weekdays 08:00–22:00 America/Los_Angeles, a business day being 8 open hours).
/// Times are UTC; in March 2026 before the 8th Los Angeles is UTC-8.
/// </summary>
public sealed class SlaClockTests
{
    private static readonly SlaClock Clock = new(new SlaPolicies(new SlaOptions()));
    private static readonly Queue Queue = new(Guid.NewGuid(), "triage", "test");
    private static readonly Actor Agent = new("user", "a", "Agent");

    private static DateTime Utc(string iso) => DateTime.Parse(iso, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

    private static Case Open(Severity severity, string at)
    {
        var c = Case.Open("Test", severity, null, Queue, Channel.Api, null, Agent, Utc(at));
        Clock.Apply(c, c.Events, Queue.Name);
        return c;
    }

    /// <summary>Does what a save does: hands the events added since the last one to the clock.</summary>
    private static void Save(Case c, int seenBefore) => Clock.Apply(c, c.Events.Skip(seenBefore).ToList(), Queue.Name);

    private static CaseTarget Target(Case c, string kind) => c.Targets.Last(t => t.Kind == kind);

    [Fact]
    public void Open_S1_FirstReplyDueIn15MinutesResolutionIn4Hours()
    {
        var c = Open(Severity.S1, "2026-03-07T23:50:00Z");

        Assert.Equal(Utc("2026-03-08T00:05:00Z"), Target(c, CaseTarget.FirstReply).DueAt);
        Assert.Equal(Utc("2026-03-08T03:50:00Z"), Target(c, CaseTarget.Resolution).DueAt);
        Assert.Equal(Utc("2026-03-08T00:05:00Z"), c.DueAt);
        Assert.Equal(CaseSlaState.Ok, c.SlaState);
        // The warning comes at 75 % of 15 minutes.
        Assert.Equal(Utc("2026-03-08T00:01:15Z"), c.SlaCheckAt);
    }

    [Fact]
    public void Open_S3OnSaturday_CountsFromMondayOpening()
    {
        // Saturday 2026-03-07 10:00 PST: closed until Monday 08:00 PDT (the clocks changed on Sunday): 8 hours = 16:00 PDT.
        var c = Open(Severity.S3, "2026-03-07T18:00:00Z");

        Assert.Equal(Utc("2026-03-09T23:00:00Z"), Target(c, CaseTarget.FirstReply).DueAt);
        // 3 business days = 24 open hours: Monday 08–22 (14 h), Tuesday 08:00 + 10 h = 18:00 PDT.
        Assert.Equal(Utc("2026-03-11T01:00:00Z"), Target(c, CaseTarget.Resolution).DueAt);
    }

    [Fact]
    public void Reply_MeetsFirstReply_CaseDueBecomesResolution()
    {
        var c = Open(Severity.S1, "2026-03-02T18:00:00Z");
        var seen = c.Events.Count;

        c.AddMessage(MessageDirection.Outbound, Channel.Api, "On it.", Agent, Utc("2026-03-02T18:10:00Z"));
        Save(c, seen);

        var first = Target(c, CaseTarget.FirstReply);
        Assert.Equal(Utc("2026-03-02T18:10:00Z"), first.MetAt);
        Assert.Null(first.BreachedAt);
        Assert.Equal(Utc("2026-03-02T22:00:00Z"), c.DueAt);
    }

    [Fact]
    public void LateReply_RecordsBreachAtTheDueTime()
    {
        var c = Open(Severity.S1, "2026-03-02T18:00:00Z");
        var seen = c.Events.Count;

        c.AddMessage(MessageDirection.Outbound, Channel.Api, "Sorry for the wait.", Agent, Utc("2026-03-02T18:20:00Z"));
        Save(c, seen);

        var first = Target(c, CaseTarget.FirstReply);
        Assert.Equal(Utc("2026-03-02T18:15:00Z"), first.BreachedAt);
        Assert.Equal(Utc("2026-03-02T18:20:00Z"), first.MetAt);
        Assert.Contains(c.Events, e => e.Kind == CaseEventKinds.SlaBreached && e.To == CaseTarget.FirstReply);
    }

    [Fact]
    public void PendingUser_PausesAndTheUsersReplyResumes_DueMovesByTheOpenTimeWaited()
    {
        // S3 opened Monday 2026-03-02 10:00 PST; 1 business hour used when the agent asks the user (11:00). The user answers
        // Tuesday 09:00 PST: 7 hours left = 16:00 PST Tuesday. Resolution: 23 hours left from Tuesday 09:00 = Tuesday 09–22
        // (13 h) + Wednesday 08:00 + 10 h = 18:00 PST.
        var c = Open(Severity.S3, "2026-03-02T18:00:00Z");
        var seen = c.Events.Count;
        c.ChangeStatus(CaseStatus.PendingUser, Agent, Utc("2026-03-02T19:00:00Z"));
        Save(c, seen);

        Assert.True(Target(c, CaseTarget.FirstReply).IsPaused);
        Assert.Null(c.DueAt);

        seen = c.Events.Count;
        c.ChangeStatus(CaseStatus.Open, Agent, Utc("2026-03-03T17:00:00Z"));
        Save(c, seen);

        Assert.False(Target(c, CaseTarget.FirstReply).IsPaused);
        Assert.Equal(Utc("2026-03-04T00:00:00Z"), Target(c, CaseTarget.FirstReply).DueAt);
        Assert.Equal(Utc("2026-03-05T02:00:00Z"), Target(c, CaseTarget.Resolution).DueAt);
    }

    [Fact]
    public void OnHold_PausesLikePendingUser_PendingInternalDoesNot()
    {
        var c = Open(Severity.S1, "2026-03-02T18:00:00Z");
        var seen = c.Events.Count;
        c.ChangeStatus(CaseStatus.PendingInternal, Agent, Utc("2026-03-02T18:05:00Z"));
        Save(c, seen);
        Assert.Equal(Utc("2026-03-02T18:15:00Z"), c.DueAt);

        seen = c.Events.Count;
        c.ChangeStatus(CaseStatus.OnHold, Agent, Utc("2026-03-02T18:10:00Z"));
        c.ChangeStatus(CaseStatus.Open, Agent, Utc("2026-03-02T19:10:00Z"));
        Save(c, seen);

        // 10 minutes used before the hour on hold; 5 left from 19:10.
        Assert.Equal(Utc("2026-03-02T19:15:00Z"), c.DueAt);
    }

    [Fact]
    public void SeverityRaised_RecomputesFromTheRunningStretch()
    {
        // An S3 opened Monday 10:00 PST is raised to S1 at 10:05: first reply now due 15 minutes after 10:00, around the clock.
        var c = Open(Severity.S3, "2026-03-02T18:00:00Z");
        var seen = c.Events.Count;

        c.ChangeSeverity(Severity.S1, Agent, Utc("2026-03-02T18:05:00Z"));
        Save(c, seen);

        Assert.Equal(Utc("2026-03-02T18:15:00Z"), Target(c, CaseTarget.FirstReply).DueAt);
        Assert.Equal(SlaPolicies.AlwaysOpen, Target(c, CaseTarget.FirstReply).Calendar);
        Assert.Equal(Utc("2026-03-02T22:00:00Z"), Target(c, CaseTarget.Resolution).DueAt);
    }

    [Fact]
    public void Solve_MeetsEveryTarget_ReopenStartsANewResolution()
    {
        var c = Open(Severity.S2, "2026-03-02T18:00:00Z");
        var seen = c.Events.Count;
        c.ChangeStatus(CaseStatus.Solved, Agent, Utc("2026-03-02T18:30:00Z"));
        Save(c, seen);

        Assert.All(c.Targets, t => Assert.Equal(Utc("2026-03-02T18:30:00Z"), t.MetAt));
        Assert.Null(c.DueAt);
        Assert.Equal(CaseSlaState.None, c.SlaState);

        seen = c.Events.Count;
        c.ChangeStatus(CaseStatus.Open, Agent, Utc("2026-03-03T18:00:00Z"));
        Save(c, seen);

        Assert.Equal(Utc("2026-03-04T18:00:00Z"), c.DueAt); // S2 resolution: 24 hours
    }

    [Fact]
    public void UserWritesAgainAfterTheReply_StartsNextReply()
    {
        var c = Open(Severity.S2, "2026-03-02T18:00:00Z");
        var seen = c.Events.Count;
        c.AddMessage(MessageDirection.Outbound, Channel.Api, "Looking.", Agent, Utc("2026-03-02T18:30:00Z"));
        c.AddMessage(MessageDirection.Inbound, Channel.Api, "Any news?", new Actor("contact", "c", "User"), Utc("2026-03-02T19:00:00Z"));
        Save(c, seen);

        Assert.Equal(Utc("2026-03-02T23:00:00Z"), Target(c, CaseTarget.NextReply).DueAt); // S2 next reply: 4 hours
    }

    [Fact]
    public void Evaluate_PastWarningThenPastDue_RecordsWarningThenBreach()
    {
        var c = Open(Severity.S1, "2026-03-02T18:00:00Z");

        Clock.Evaluate(c, Utc("2026-03-02T18:12:00Z"));
        Assert.Equal(CaseSlaState.AtRisk, c.SlaState);
        Clock.Evaluate(c, Utc("2026-03-02T18:16:00Z"));

        Assert.Equal(CaseSlaState.Breached, c.SlaState);
        Assert.Equal(Utc("2026-03-02T18:15:00Z"), Target(c, CaseTarget.FirstReply).BreachedAt);
        Assert.Equal([CaseEventKinds.SlaWarning, CaseEventKinds.SlaBreached], c.Events.Where(e => e.Kind.StartsWith("sla_", StringComparison.Ordinal)).Select(e => e.Kind));
        // The breached target keeps the case first in line: its due time stays the case's due time.
        Assert.Equal(Utc("2026-03-02T18:15:00Z"), c.DueAt);
    }
}

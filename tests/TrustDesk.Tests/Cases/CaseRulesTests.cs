using TrustDesk.Taxonomy;
using TrustDesk.Cases;
using TrustDesk.Queues;

namespace TrustDesk.Tests.Cases;

/// <summary>The case aggregate's own rules, without a database.</summary>
public sealed class CaseRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Queue Triage = DefaultQueues.All[0];

    private static Case NewCase() => Case.Open("Test", Severity.S3, "conduct.spam", Triage, Channel.Api, null, Actor.System, Now);

    public static TheoryData<CaseStatus, CaseStatus> IllegalMoves()
    {
        var data = new TheoryData<CaseStatus, CaseStatus>();
        data.Add(CaseStatus.Closed, CaseStatus.Open);
        data.Add(CaseStatus.Closed, CaseStatus.Solved);
        data.Add(CaseStatus.Solved, CaseStatus.PendingUser);
        data.Add(CaseStatus.Open, CaseStatus.New);
        data.Add(CaseStatus.New, CaseStatus.Closed);
        data.Add(CaseStatus.Open, CaseStatus.Closed);
        return data;
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void CanMove_IllegalMove_IsRefused(CaseStatus from, CaseStatus to)
    {
        Assert.False(CaseStatusRules.CanMove(from, to));
    }

    [Fact]
    public void ChangeStatus_ClosedCase_ThrowsNamingStatus()
    {
        var @case = NewCase();
        @case.ChangeStatus(CaseStatus.Solved, Actor.System, Now);
        @case.ChangeStatus(CaseStatus.Closed, Actor.System, Now);

        var error = Assert.Throws<CaseRuleException>(() => @case.ChangeStatus(CaseStatus.Open, Actor.System, Now));

        Assert.Equal("status", error.Field);
        Assert.Equal(CaseStatus.Closed, @case.Status);
    }

    [Fact]
    public void ChangeStatus_EachChange_AppendsOneEventAndBumpsVersion()
    {
        var @case = NewCase();
        var version = @case.Version;

        @case.ChangeStatus(CaseStatus.Open, Actor.System, Now);
        @case.ChangeStatus(CaseStatus.Open, Actor.System, Now);
        @case.ChangeSeverity(Severity.S1, Actor.System, Now);

        Assert.Equal(version + 2, @case.Version);
        Assert.Equal(["created", "status_changed", "severity_changed"], @case.Events.Select(e => e.Kind));
    }

    [Fact]
    public void OpenForReports_SolvedCase_StopsCollectingReports()
    {
        var @case = Case.OpenForReports("Spam", Severity.S4, "conduct.spam", Triage, Guid.NewGuid(), Actor.System, Now);
        Assert.NotNull(@case.ClusterKey);

        @case.ChangeStatus(CaseStatus.Solved, Actor.System, Now);

        Assert.Null(@case.ClusterKey);
        Assert.Equal(Now, @case.SolvedAt);
    }

    [Fact]
    public void AddMessage_ReplyToNewCase_OpensItAndRecordsFirstReply()
    {
        var @case = NewCase();

        @case.AddMessage(MessageDirection.Outbound, Channel.Api, "Hello", Actor.System, Now);

        Assert.Equal(CaseStatus.Open, @case.Status);
        Assert.Equal(Now, @case.FirstRepliedAt);
    }

    [Fact]
    public void AddMessage_ClosedCase_IsRefused()
    {
        var @case = NewCase();
        @case.ChangeStatus(CaseStatus.Solved, Actor.System, Now);
        @case.ChangeStatus(CaseStatus.Closed, Actor.System, Now);

        Assert.Throws<CaseRuleException>(() => @case.AddMessage(MessageDirection.Internal, Channel.Api, "Note", Actor.System, Now));
    }

    [Fact]
    public void SetTags_MixedCaseAndRepeats_AreNormalisedAndSorted()
    {
        var @case = NewCase();

        @case.SetTags(["Zeta", "alpha", "ZETA", " beta "], Actor.System, Now);

        Assert.Equal(["alpha", "beta", "zeta"], @case.Tags);
    }

    [Theory]
    [InlineData("TD-42", true, 42)]
    [InlineData("td-7", true, 7)]
    [InlineData("TD-", false, 0)]
    [InlineData("TD-0", false, 0)]
    [InlineData("42", false, 0)]
    public void TryParseNumber_ParsesCaseNumbers(string text, bool ok, long id)
    {
        Assert.Equal(ok, Case.TryParseNumber(text, out var parsed));
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData("\"12-3\"", "\"12-3\"", true)]
    [InlineData("W/\"12-3\"", "\"12-3\"", true)]
    [InlineData("*", "\"12-3\"", true)]
    [InlineData("\"12-2\", \"12-3\"", "\"12-3\"", true)]
    [InlineData("\"12-2\"", "\"12-3\"", false)]
    public void ETagMatches_ComparesIfMatchValues(string ifMatch, string current, bool expected)
    {
        Assert.Equal(expected, UpdateCase.ETagMatches(ifMatch, current));
    }

    [Theory]
    [InlineData("refund parcel", "\"refund\" \"parcel\"*")]
    [InlineData("\"quoted\" OR NEAR(", "\"quoted\" \"OR\" \"NEAR\"*")]
    [InlineData("***", "")]
    public void ToFts5Query_QuotesEveryWord(string query, string expected)
    {
        Assert.Equal(expected, CaseSearch.ToFts5Query(query));
    }

    [Theory]
    [InlineData("refund parcel", "refund & parcel:*")]
    [InlineData("a|b & !c", "ab & c:*")]
    [InlineData("()", "")]
    public void ToPostgresQuery_KeepsOnlyWords(string query, string expected)
    {
        Assert.Equal(expected, CaseSearch.ToPostgresQuery(query));
    }
}

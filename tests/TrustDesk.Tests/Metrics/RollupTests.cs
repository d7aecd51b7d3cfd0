using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.Cases;
using TrustDesk.Metrics;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Metrics;

/// <summary>
/// The rollups kept live by every path that changes cases agree with the case log they summarise, figure by figure, and
/// with what a rebuild from that log writes, row by row.
/// </summary>
public abstract class RollupTests(TrustDeskFactory app, FakeTimeProvider time)
{
    [Fact]
    public async Task LiveRollups_AfterADayOfWork_MatchTheCaseLogAndARebuild()
    {
        var scenario = new MetricsScenario(app, time);
        await scenario.RunAsync();

        var live = await MetricsScenario.RowsAsync(app);
        var (rows, cases, events, targets) = await app.WithDbAsync(async db => (
            await db.MetricRollups.AsNoTracking().ToListAsync(),
            await db.Cases.AsNoTracking().ToListAsync(),
            await db.CaseEvents.AsNoTracking().ToListAsync(),
            await db.CaseTargets.AsNoTracking().ToListAsync()));
        var byQueue = rows.Where(r => r.Grain == (int)RollupGrain.Queue).ToList();
        var detail = rows.Where(r => r.Grain == (int)RollupGrain.Detail).ToList();

        Assert.Equal(cases.Count, byQueue.Sum(r => r.Created));
        Assert.Equal(events.Count(e => e.Kind == CaseEventKinds.ReportAdded), byQueue.Sum(r => r.Reports));
        Assert.Equal(events.Count(e => e.Kind == CaseEventKinds.StatusChanged && e.To == "solved"), byQueue.Sum(r => r.Solved));
        Assert.Equal(1, byQueue.Sum(r => r.Reopened));
        Assert.Equal(cases.Count(c => c.FirstRepliedAt is not null), byQueue.Sum(r => r.FirstReplies));
        Assert.Equal(cases.Where(c => c.FirstRepliedAt is not null).Sum(c => (long)(c.FirstRepliedAt!.Value - c.CreatedAt).TotalSeconds), byQueue.Sum(r => r.FirstReplySeconds));
        Assert.Equal(events.Count(e => e.Kind == CaseEventKinds.MessageAdded && e.To == "outbound"), byQueue.Sum(r => r.OutboundMessages));
        Assert.Equal(events.Count(e => e.Kind == CaseEventKinds.SlaBreached), byQueue.Sum(r => r.SlaBreaches));
        Assert.True(byQueue.Sum(r => r.SlaBreaches) >= 2, "the late reply and the unanswered S1");
        Assert.Equal(targets.Count(t => t.MetAt is not null && t.BreachedAt is null), byQueue.Sum(r => r.SlaMet));
        Assert.Equal(targets.Count(t => t.MetAt is not null && t.BreachedAt is not null), byQueue.Sum(r => r.SlaMissed));
        Assert.Equal(events.Count(e => e.Kind == CaseEventKinds.Escalated), byQueue.Sum(r => r.Escalations));
        // Every happening is in its detail row and its queue's, hour by hour.
        foreach (var hour in byQueue.GroupBy(r => (r.HourStart, r.QueueId)))
        {
            var details = detail.Where(r => r.HourStart == hour.Key.HourStart && r.QueueId == hour.Key.QueueId).ToList();
            Assert.Equal(hour.Sum(r => r.Created), details.Sum(r => r.Created));
            Assert.Equal(hour.Sum(r => r.Solved), details.Sum(r => r.Solved));
            Assert.Equal(hour.Sum(r => r.FirstReplySeconds), details.Sum(r => r.FirstReplySeconds));
            Assert.Equal(hour.Sum(r => r.SlaMet + r.SlaMissed), details.Sum(r => r.SlaMet + r.SlaMissed));
        }

        // The agent the case was assigned to answered it first and solved it once; the second solve came after unassigning.
        var agent = rows.Where(r => r.Grain == (int)RollupGrain.Agent && r.Agent == scenario.AgentEmail).ToList();
        Assert.Equal(1, agent.Sum(r => r.FirstReplies));
        Assert.Equal(1, agent.Sum(r => r.Solved));
        Assert.Equal(1, agent.Sum(r => r.Reopened));
        // Handle time counts for the agent who worked, from the log's handled events.
        Assert.Equal(events.Where(e => e.Kind == CaseEventKinds.Handled).Sum(e => long.Parse(e.To!, System.Globalization.CultureInfo.InvariantCulture)), byQueue.Sum(r => r.HandleSeconds));
        Assert.Equal(180, agent.Sum(r => r.HandleSeconds));

        // The spam report moved to triage as S3 is counted there from the move on, created where it was opened.
        var spam = cases.Single(c => c.Id == scenario.Cases[4]);
        Assert.Contains(detail, r => r.QueueId == spam.QueueId && r.Severity == 3 && r.OutboundMessages == 1 && r.Category == "conduct.spam");
        Assert.DoesNotContain(detail, r => r.QueueId == spam.QueueId && r.Category == "conduct.spam" && r.Created > 0);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RebuildRollups>().RunAsync(null, TestContext.Current.CancellationToken);
        }

        Assert.Equal(live, await MetricsScenario.RowsAsync(app));
    }
}

public sealed class SqliteRollupTests(MetricsSqliteApp fixture) : RollupTests(fixture.Factory, fixture.Time), IClassFixture<MetricsSqliteApp>;

public sealed class PostgresRollupTests(MetricsPostgresApp fixture) : RollupTests(fixture.Factory, fixture.Time), IClassFixture<MetricsPostgresApp>;

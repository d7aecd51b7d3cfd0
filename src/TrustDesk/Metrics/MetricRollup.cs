using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TrustDesk.Metrics;

/// <summary>
/// What a rollup row sums over. <see cref="Detail"/> rows carry every dimension (the pages narrowed by category, severity,
/// channel or agent read them); the others only a queue or an agent, per hour or per UTC day, so the team overview reads a
/// few hundred rows for a month whatever the number of cases: whole days from the day rows, the hours at either end from
/// the hour rows.
/// </summary>
public enum RollupGrain
{
    Detail = 0,
    Queue = 1,
    Agent = 2,
    QueueDay = 3,
    AgentDay = 4,
}

/// <summary>
/// Counts of what happened to cases in one UTC hour, for one combination of queue, category, severity, channel and agent
/// (the case's as they were when it happened). Kept up to date in the transaction of every case change
/// (<see cref="KeepRollups"/>), rebuilt from the case log by <c>trustdesk metrics rebuild</c>; every figure of the
/// dashboards and of <c>GET /api/v1/metrics/overview</c> is a sum of these rows, never a scan of cases.
/// </summary>
/// <remarks>
/// Times (first reply, resolution) are kept as a count, a sum of seconds and a histogram over <see cref="MinuteBuckets"/>,
/// so averages are exact and percentiles are read from the histogram (linear within a bucket). A zero takes no space in
/// a SQLite record, so the wide row of mostly zeros is small.
/// </remarks>
public sealed class MetricRollup
{
    /// <summary>Upper bounds, in minutes, of the histogram buckets of response and resolution times; the last is open.</summary>
    public static readonly double[] MinuteBuckets = [1, 5, 10, 15, 30, 60, 120, 240, 480, 720, 1440, 2880, 4320, 7200, 10080, double.PositiveInfinity];

    public const int Buckets = 16;

    public int Grain { get; set; }

    /// <summary>The hour (UTC) the row counts; for the day grains, the UTC day's midnight.</summary>
    public DateTime HourStart { get; set; }
    public Guid QueueId { get; set; }
    public int Severity { get; set; }
    public string Category { get; set; } = "";
    public string Channel { get; set; } = "";
    public string Agent { get; set; } = "";

    public int Created { get; set; }
    public int Reports { get; set; }
    public int Solved { get; set; }
    public int Reopened { get; set; }
    public int InboundMessages { get; set; }
    public int OutboundMessages { get; set; }
    public int FirstReplies { get; set; }
    public long FirstReplySeconds { get; set; }
    public long ResolutionSeconds { get; set; }

    /// <summary>Time agents worked cases in the console (<c>handled</c> events), counted for the agent who worked.</summary>
    public long HandleSeconds { get; set; }

    /// <summary>Targets met by their due time, in the hour they were met.</summary>
    public int SlaMet { get; set; }

    /// <summary>Targets met after their due time.</summary>
    public int SlaMissed { get; set; }

    /// <summary>Targets that ran out unmet (recorded once per target, at its due time).</summary>
    public int SlaBreaches { get; set; }
    public int Escalations { get; set; }

    /// <summary>Enforcement actions approved (taken).</summary>
    public int Actions { get; set; }
    public int CsatSent { get; set; }
    public int CsatResponses { get; set; }
    public int CsatScoreSum { get; set; }
    public int Csat1 { get; set; }
    public int Csat2 { get; set; }
    public int Csat3 { get; set; }
    public int Csat4 { get; set; }
    public int Csat5 { get; set; }

    /// <summary>First replies by time to first reply (see <see cref="MinuteBuckets"/>).</summary>
    public int Frt0 { get; set; }
    public int Frt1 { get; set; }
    public int Frt2 { get; set; }
    public int Frt3 { get; set; }
    public int Frt4 { get; set; }
    public int Frt5 { get; set; }
    public int Frt6 { get; set; }
    public int Frt7 { get; set; }
    public int Frt8 { get; set; }
    public int Frt9 { get; set; }
    public int Frt10 { get; set; }
    public int Frt11 { get; set; }
    public int Frt12 { get; set; }
    public int Frt13 { get; set; }
    public int Frt14 { get; set; }
    public int Frt15 { get; set; }

    /// <summary>Solved cases by time to resolution (see <see cref="MinuteBuckets"/>).</summary>
    public int Res0 { get; set; }
    public int Res1 { get; set; }
    public int Res2 { get; set; }
    public int Res3 { get; set; }
    public int Res4 { get; set; }
    public int Res5 { get; set; }
    public int Res6 { get; set; }
    public int Res7 { get; set; }
    public int Res8 { get; set; }
    public int Res9 { get; set; }
    public int Res10 { get; set; }
    public int Res11 { get; set; }
    public int Res12 { get; set; }
    public int Res13 { get; set; }
    public int Res14 { get; set; }
    public int Res15 { get; set; }

    public static int BucketOf(TimeSpan time)
    {
        var minutes = time.TotalMinutes;
        for (var i = 0; i < MinuteBuckets.Length; i++)
        {
            if (minutes < MinuteBuckets[i])
            {
                return i;
            }
        }

        return MinuteBuckets.Length - 1;
    }

    public void AddFirstReply(TimeSpan time)
    {
        FirstReplies++;
        FirstReplySeconds += (long)Math.Max(0, time.TotalSeconds);
        switch (BucketOf(time))
        {
            case 0: Frt0++; break;
            case 1: Frt1++; break;
            case 2: Frt2++; break;
            case 3: Frt3++; break;
            case 4: Frt4++; break;
            case 5: Frt5++; break;
            case 6: Frt6++; break;
            case 7: Frt7++; break;
            case 8: Frt8++; break;
            case 9: Frt9++; break;
            case 10: Frt10++; break;
            case 11: Frt11++; break;
            case 12: Frt12++; break;
            case 13: Frt13++; break;
            case 14: Frt14++; break;
            case 15: Frt15++; break;
        }
    }

    public void AddResolution(TimeSpan time)
    {
        ResolutionSeconds += (long)Math.Max(0, time.TotalSeconds);
        switch (BucketOf(time))
        {
            case 0: Res0++; break;
            case 1: Res1++; break;
            case 2: Res2++; break;
            case 3: Res3++; break;
            case 4: Res4++; break;
            case 5: Res5++; break;
            case 6: Res6++; break;
            case 7: Res7++; break;
            case 8: Res8++; break;
            case 9: Res9++; break;
            case 10: Res10++; break;
            case 11: Res11++; break;
            case 12: Res12++; break;
            case 13: Res13++; break;
            case 14: Res14++; break;
            case 15: Res15++; break;
        }
    }

    public void AddCsat(int score)
    {
        CsatResponses++;
        CsatScoreSum += score;
        switch (score)
        {
            case 1: Csat1++; break;
            case 2: Csat2++; break;
            case 3: Csat3++; break;
            case 4: Csat4++; break;
            case 5: Csat5++; break;
        }
    }

    public int[] FirstReplyHistogram() => [Frt0, Frt1, Frt2, Frt3, Frt4, Frt5, Frt6, Frt7, Frt8, Frt9, Frt10, Frt11, Frt12, Frt13, Frt14, Frt15];

    public int[] ResolutionHistogram() => [Res0, Res1, Res2, Res3, Res4, Res5, Res6, Res7, Res8, Res9, Res10, Res11, Res12, Res13, Res14, Res15];
}

/// <summary>How <see cref="MetricRollup"/> is stored: the key is the bucket, every other column a counter (<c>Data/CounterRows</c>).</summary>
internal sealed class MetricRollupConfiguration : IEntityTypeConfiguration<MetricRollup>
{
    public void Configure(EntityTypeBuilder<MetricRollup> b)
    {
        b.ToTable("MetricRollups");
        b.HasKey(r => new { r.Grain, r.HourStart, r.QueueId, r.Severity, r.Category, r.Channel, r.Agent });
        b.Property(r => r.Category).HasMaxLength(64);
        b.Property(r => r.Channel).HasMaxLength(20);
        b.Property(r => r.Agent).HasMaxLength(200);
    }
}

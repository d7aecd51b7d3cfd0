namespace TrustDesk.Metrics;

/// <summary>
/// The figures of a period, read from the sum of its rollup rows. Counts are exact; averages are exact (sums of seconds);
/// percentiles come from the rows' histograms, linear within a bucket (<see cref="MetricRollup.MinuteBuckets"/>), so a p50
/// of 37.5 minutes means "in the 30–60 minute bucket, about there". Shares are 0..1, or null when there is nothing to
/// divide by.
/// </summary>
public record MetricFigures
{
    public int Created { get; init; }
    public int Reports { get; init; }
    public int Solved { get; init; }
    public int Reopened { get; init; }

    /// <summary>Reopened cases per solved case in the period.</summary>
    public double? ReopenRate { get; init; }
    public int InboundMessages { get; init; }
    public int OutboundMessages { get; init; }
    public int FirstReplies { get; init; }
    public double? FirstReplyAverageMinutes { get; init; }
    public double? FirstReplyP50Minutes { get; init; }
    public double? FirstReplyP90Minutes { get; init; }
    public double? ResolutionAverageMinutes { get; init; }
    public double? ResolutionP50Minutes { get; init; }
    public double? ResolutionP90Minutes { get; init; }

    /// <summary>SLA targets met by their due time in the period.</summary>
    public int SlaMet { get; init; }

    /// <summary>SLA targets met after their due time in the period.</summary>
    public int SlaMissed { get; init; }

    /// <summary>Targets that ran out unmet in the period (whether met later or not).</summary>
    public int SlaBreaches { get; init; }

    /// <summary>Of the targets met in the period, the share met in time.</summary>
    public double? SlaAttainment { get; init; }
    public int Escalations { get; init; }

    /// <summary>Hours agents worked cases in the console (the page open, seen and in use).</summary>
    public double HandleHours { get; init; }

    /// <summary>Handle time per case solved in the period, in minutes: the work a solved case took, as Zendesk's agent work time.</summary>
    public double? HandleMinutesPerSolved { get; init; }

    /// <summary>Enforcement actions taken (approved) on cases.</summary>
    public int Actions { get; init; }
    public int CsatSent { get; init; }
    public int CsatResponses { get; init; }
    public double? CsatAverage { get; init; }

    /// <summary>Answers per survey sent in the period.</summary>
    public double? CsatResponseRate { get; init; }

    /// <summary>Answers by score, 1 to 5.</summary>
    public IReadOnlyList<int> CsatDistribution { get; init; } = [0, 0, 0, 0, 0];

    /// <summary>First replies per bucket of <see cref="MetricRollup.MinuteBuckets"/>: the dashboards' histogram (not in the API's JSON).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<int> FirstReplyHistogram { get; init; } = [];

    /// <summary>Solves per bucket of <see cref="MetricRollup.MinuteBuckets"/> (time from opening).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<int> ResolutionHistogram { get; init; } = [];

    /// <summary>Reads the figures of a sum of rollup rows into a figures record of type <typeparamref name="T"/>.</summary>
    public static T From<T>(MetricRollup sum) where T : MetricFigures, new() => new()
    {
        Created = sum.Created,
        Reports = sum.Reports,
        Solved = sum.Solved,
        Reopened = sum.Reopened,
        ReopenRate = Share(sum.Reopened, sum.Solved),
        InboundMessages = sum.InboundMessages,
        OutboundMessages = sum.OutboundMessages,
        FirstReplies = sum.FirstReplies,
        FirstReplyAverageMinutes = sum.FirstReplies == 0 ? null : Round(sum.FirstReplySeconds / 60.0 / sum.FirstReplies),
        FirstReplyP50Minutes = Percentile(sum.FirstReplyHistogram(), 0.5),
        FirstReplyP90Minutes = Percentile(sum.FirstReplyHistogram(), 0.9),
        ResolutionAverageMinutes = sum.Solved == 0 ? null : Round(sum.ResolutionSeconds / 60.0 / sum.Solved),
        ResolutionP50Minutes = Percentile(sum.ResolutionHistogram(), 0.5),
        ResolutionP90Minutes = Percentile(sum.ResolutionHistogram(), 0.9),
        SlaMet = sum.SlaMet,
        SlaMissed = sum.SlaMissed,
        SlaBreaches = sum.SlaBreaches,
        SlaAttainment = Share(sum.SlaMet, sum.SlaMet + sum.SlaMissed),
        Escalations = sum.Escalations,
        HandleHours = Round(sum.HandleSeconds / 3600.0),
        HandleMinutesPerSolved = sum.Solved == 0 ? null : Round(sum.HandleSeconds / 60.0 / sum.Solved),
        Actions = sum.Actions,
        CsatSent = sum.CsatSent,
        CsatResponses = sum.CsatResponses,
        CsatAverage = sum.CsatResponses == 0 ? null : Round((double)sum.CsatScoreSum / sum.CsatResponses, 2),
        CsatResponseRate = Share(sum.CsatResponses, sum.CsatSent),
        CsatDistribution = [sum.Csat1, sum.Csat2, sum.Csat3, sum.Csat4, sum.Csat5],
        FirstReplyHistogram = sum.FirstReplyHistogram(),
        ResolutionHistogram = sum.ResolutionHistogram(),
    };

    public static double? Share(int part, int whole) => whole == 0 ? null : Round((double)part / whole, 4);

    /// <summary>
    /// The <paramref name="quantile"/> of a histogram over <see cref="MetricRollup.MinuteBuckets"/>, in minutes: the bucket
    /// holding the rank, and within it a straight line from its lower to its upper bound (the open last bucket: its lower
    /// bound). Null for an empty histogram.
    /// </summary>
    public static double? Percentile(IReadOnlyList<int> histogram, double quantile)
    {
        long total = 0;
        foreach (var count in histogram)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = Math.Max(1, Math.Ceiling(quantile * total));
        long below = 0;
        for (var i = 0; i < histogram.Count; i++)
        {
            if (below + histogram[i] >= rank)
            {
                var lower = i == 0 ? 0 : MetricRollup.MinuteBuckets[i - 1];
                var upper = MetricRollup.MinuteBuckets[i];
                if (double.IsPositiveInfinity(upper))
                {
                    return lower;
                }

                return Round(lower + ((rank - below) / histogram[i] * (upper - lower)));
            }

            below += histogram[i];
        }

        return MetricRollup.MinuteBuckets[^2];
    }

    private static double Round(double value, int digits = 1) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}

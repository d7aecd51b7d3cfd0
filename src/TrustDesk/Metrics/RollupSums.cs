namespace TrustDesk.Metrics;

/// <summary>Sums of rollup rows in SQL (what the readers start from), and in memory, row into row.</summary>
internal static class RollupSums
{
    /// <summary>The rows summed per hour and queue (the detail rows of a narrowed read: at most 24 × 31 rows per queue a month).</summary>
    public static IQueryable<MetricRollup> ByHourAndQueue(IQueryable<MetricRollup> rows) =>
        rows.GroupBy(r => new { r.HourStart, r.QueueId }).Select(g => new MetricRollup
        {
            HourStart = g.Key.HourStart,
            QueueId = g.Key.QueueId,
            Created = g.Sum(r => r.Created),
            Reports = g.Sum(r => r.Reports),
            Solved = g.Sum(r => r.Solved),
            Reopened = g.Sum(r => r.Reopened),
            InboundMessages = g.Sum(r => r.InboundMessages),
            OutboundMessages = g.Sum(r => r.OutboundMessages),
            FirstReplies = g.Sum(r => r.FirstReplies),
            FirstReplySeconds = g.Sum(r => r.FirstReplySeconds),
            ResolutionSeconds = g.Sum(r => r.ResolutionSeconds),
            HandleSeconds = g.Sum(r => r.HandleSeconds),
            SlaMet = g.Sum(r => r.SlaMet),
            SlaMissed = g.Sum(r => r.SlaMissed),
            SlaBreaches = g.Sum(r => r.SlaBreaches),
            Escalations = g.Sum(r => r.Escalations),
            Actions = g.Sum(r => r.Actions),
            CsatSent = g.Sum(r => r.CsatSent),
            CsatResponses = g.Sum(r => r.CsatResponses),
            CsatScoreSum = g.Sum(r => r.CsatScoreSum),
            Csat1 = g.Sum(r => r.Csat1),
            Csat2 = g.Sum(r => r.Csat2),
            Csat3 = g.Sum(r => r.Csat3),
            Csat4 = g.Sum(r => r.Csat4),
            Csat5 = g.Sum(r => r.Csat5),
            Frt0 = g.Sum(r => r.Frt0),
            Frt1 = g.Sum(r => r.Frt1),
            Frt2 = g.Sum(r => r.Frt2),
            Frt3 = g.Sum(r => r.Frt3),
            Frt4 = g.Sum(r => r.Frt4),
            Frt5 = g.Sum(r => r.Frt5),
            Frt6 = g.Sum(r => r.Frt6),
            Frt7 = g.Sum(r => r.Frt7),
            Frt8 = g.Sum(r => r.Frt8),
            Frt9 = g.Sum(r => r.Frt9),
            Frt10 = g.Sum(r => r.Frt10),
            Frt11 = g.Sum(r => r.Frt11),
            Frt12 = g.Sum(r => r.Frt12),
            Frt13 = g.Sum(r => r.Frt13),
            Frt14 = g.Sum(r => r.Frt14),
            Frt15 = g.Sum(r => r.Frt15),
            Res0 = g.Sum(r => r.Res0),
            Res1 = g.Sum(r => r.Res1),
            Res2 = g.Sum(r => r.Res2),
            Res3 = g.Sum(r => r.Res3),
            Res4 = g.Sum(r => r.Res4),
            Res5 = g.Sum(r => r.Res5),
            Res6 = g.Sum(r => r.Res6),
            Res7 = g.Sum(r => r.Res7),
            Res8 = g.Sum(r => r.Res8),
            Res9 = g.Sum(r => r.Res9),
            Res10 = g.Sum(r => r.Res10),
            Res11 = g.Sum(r => r.Res11),
            Res12 = g.Sum(r => r.Res12),
            Res13 = g.Sum(r => r.Res13),
            Res14 = g.Sum(r => r.Res14),
            Res15 = g.Sum(r => r.Res15),
        });

    /// <summary>The rows summed per queue: one row each.</summary>
    public static IQueryable<MetricRollup> ByQueue(IQueryable<MetricRollup> rows) =>
        rows.GroupBy(r => r.QueueId).Select(g => new MetricRollup
        {
            QueueId = g.Key,
            Created = g.Sum(r => r.Created),
            Reports = g.Sum(r => r.Reports),
            Solved = g.Sum(r => r.Solved),
            Reopened = g.Sum(r => r.Reopened),
            InboundMessages = g.Sum(r => r.InboundMessages),
            OutboundMessages = g.Sum(r => r.OutboundMessages),
            FirstReplies = g.Sum(r => r.FirstReplies),
            FirstReplySeconds = g.Sum(r => r.FirstReplySeconds),
            ResolutionSeconds = g.Sum(r => r.ResolutionSeconds),
            HandleSeconds = g.Sum(r => r.HandleSeconds),
            SlaMet = g.Sum(r => r.SlaMet),
            SlaMissed = g.Sum(r => r.SlaMissed),
            SlaBreaches = g.Sum(r => r.SlaBreaches),
            Escalations = g.Sum(r => r.Escalations),
            Actions = g.Sum(r => r.Actions),
            CsatSent = g.Sum(r => r.CsatSent),
            CsatResponses = g.Sum(r => r.CsatResponses),
            CsatScoreSum = g.Sum(r => r.CsatScoreSum),
            Csat1 = g.Sum(r => r.Csat1),
            Csat2 = g.Sum(r => r.Csat2),
            Csat3 = g.Sum(r => r.Csat3),
            Csat4 = g.Sum(r => r.Csat4),
            Csat5 = g.Sum(r => r.Csat5),
            Frt0 = g.Sum(r => r.Frt0),
            Frt1 = g.Sum(r => r.Frt1),
            Frt2 = g.Sum(r => r.Frt2),
            Frt3 = g.Sum(r => r.Frt3),
            Frt4 = g.Sum(r => r.Frt4),
            Frt5 = g.Sum(r => r.Frt5),
            Frt6 = g.Sum(r => r.Frt6),
            Frt7 = g.Sum(r => r.Frt7),
            Frt8 = g.Sum(r => r.Frt8),
            Frt9 = g.Sum(r => r.Frt9),
            Frt10 = g.Sum(r => r.Frt10),
            Frt11 = g.Sum(r => r.Frt11),
            Frt12 = g.Sum(r => r.Frt12),
            Frt13 = g.Sum(r => r.Frt13),
            Frt14 = g.Sum(r => r.Frt14),
            Frt15 = g.Sum(r => r.Frt15),
            Res0 = g.Sum(r => r.Res0),
            Res1 = g.Sum(r => r.Res1),
            Res2 = g.Sum(r => r.Res2),
            Res3 = g.Sum(r => r.Res3),
            Res4 = g.Sum(r => r.Res4),
            Res5 = g.Sum(r => r.Res5),
            Res6 = g.Sum(r => r.Res6),
            Res7 = g.Sum(r => r.Res7),
            Res8 = g.Sum(r => r.Res8),
            Res9 = g.Sum(r => r.Res9),
            Res10 = g.Sum(r => r.Res10),
            Res11 = g.Sum(r => r.Res11),
            Res12 = g.Sum(r => r.Res12),
            Res13 = g.Sum(r => r.Res13),
            Res14 = g.Sum(r => r.Res14),
            Res15 = g.Sum(r => r.Res15),
        });

    /// <summary>The rows summed per agent: one row each.</summary>
    public static IQueryable<MetricRollup> ByAgent(IQueryable<MetricRollup> rows) =>
        rows.GroupBy(r => r.Agent).Select(g => new MetricRollup
        {
            Agent = g.Key,
            Created = g.Sum(r => r.Created),
            Reports = g.Sum(r => r.Reports),
            Solved = g.Sum(r => r.Solved),
            Reopened = g.Sum(r => r.Reopened),
            InboundMessages = g.Sum(r => r.InboundMessages),
            OutboundMessages = g.Sum(r => r.OutboundMessages),
            FirstReplies = g.Sum(r => r.FirstReplies),
            FirstReplySeconds = g.Sum(r => r.FirstReplySeconds),
            ResolutionSeconds = g.Sum(r => r.ResolutionSeconds),
            HandleSeconds = g.Sum(r => r.HandleSeconds),
            SlaMet = g.Sum(r => r.SlaMet),
            SlaMissed = g.Sum(r => r.SlaMissed),
            SlaBreaches = g.Sum(r => r.SlaBreaches),
            Escalations = g.Sum(r => r.Escalations),
            Actions = g.Sum(r => r.Actions),
            CsatSent = g.Sum(r => r.CsatSent),
            CsatResponses = g.Sum(r => r.CsatResponses),
            CsatScoreSum = g.Sum(r => r.CsatScoreSum),
            Csat1 = g.Sum(r => r.Csat1),
            Csat2 = g.Sum(r => r.Csat2),
            Csat3 = g.Sum(r => r.Csat3),
            Csat4 = g.Sum(r => r.Csat4),
            Csat5 = g.Sum(r => r.Csat5),
            Frt0 = g.Sum(r => r.Frt0),
            Frt1 = g.Sum(r => r.Frt1),
            Frt2 = g.Sum(r => r.Frt2),
            Frt3 = g.Sum(r => r.Frt3),
            Frt4 = g.Sum(r => r.Frt4),
            Frt5 = g.Sum(r => r.Frt5),
            Frt6 = g.Sum(r => r.Frt6),
            Frt7 = g.Sum(r => r.Frt7),
            Frt8 = g.Sum(r => r.Frt8),
            Frt9 = g.Sum(r => r.Frt9),
            Frt10 = g.Sum(r => r.Frt10),
            Frt11 = g.Sum(r => r.Frt11),
            Frt12 = g.Sum(r => r.Frt12),
            Frt13 = g.Sum(r => r.Frt13),
            Frt14 = g.Sum(r => r.Frt14),
            Frt15 = g.Sum(r => r.Frt15),
            Res0 = g.Sum(r => r.Res0),
            Res1 = g.Sum(r => r.Res1),
            Res2 = g.Sum(r => r.Res2),
            Res3 = g.Sum(r => r.Res3),
            Res4 = g.Sum(r => r.Res4),
            Res5 = g.Sum(r => r.Res5),
            Res6 = g.Sum(r => r.Res6),
            Res7 = g.Sum(r => r.Res7),
            Res8 = g.Sum(r => r.Res8),
            Res9 = g.Sum(r => r.Res9),
            Res10 = g.Sum(r => r.Res10),
            Res11 = g.Sum(r => r.Res11),
            Res12 = g.Sum(r => r.Res12),
            Res13 = g.Sum(r => r.Res13),
            Res14 = g.Sum(r => r.Res14),
            Res15 = g.Sum(r => r.Res15),
        });

    /// <summary>The rows summed per hour, with only what a series shows (<see cref="SeriesPoint"/>): fewer columns to read per row.</summary>
    public static IQueryable<MetricRollup> ByHourForSeries(IQueryable<MetricRollup> rows) =>
        rows.GroupBy(r => r.HourStart).Select(g => new MetricRollup
        {
            HourStart = g.Key,
            Created = g.Sum(r => r.Created),
            Reports = g.Sum(r => r.Reports),
            Solved = g.Sum(r => r.Solved),
            Reopened = g.Sum(r => r.Reopened),
            InboundMessages = g.Sum(r => r.InboundMessages),
            OutboundMessages = g.Sum(r => r.OutboundMessages),
            FirstReplies = g.Sum(r => r.FirstReplies),
            FirstReplySeconds = g.Sum(r => r.FirstReplySeconds),
            SlaMet = g.Sum(r => r.SlaMet),
            SlaMissed = g.Sum(r => r.SlaMissed),
            SlaBreaches = g.Sum(r => r.SlaBreaches),
            Escalations = g.Sum(r => r.Escalations),
            Actions = g.Sum(r => r.Actions),
            CsatResponses = g.Sum(r => r.CsatResponses),
            CsatScoreSum = g.Sum(r => r.CsatScoreSum),
            Frt0 = g.Sum(r => r.Frt0),
            Frt1 = g.Sum(r => r.Frt1),
            Frt2 = g.Sum(r => r.Frt2),
            Frt3 = g.Sum(r => r.Frt3),
            Frt4 = g.Sum(r => r.Frt4),
            Frt5 = g.Sum(r => r.Frt5),
            Frt6 = g.Sum(r => r.Frt6),
            Frt7 = g.Sum(r => r.Frt7),
            Frt8 = g.Sum(r => r.Frt8),
            Frt9 = g.Sum(r => r.Frt9),
            Frt10 = g.Sum(r => r.Frt10),
            Frt11 = g.Sum(r => r.Frt11),
            Frt12 = g.Sum(r => r.Frt12),
            Frt13 = g.Sum(r => r.Frt13),
            Frt14 = g.Sum(r => r.Frt14),
            Frt15 = g.Sum(r => r.Frt15),
        });

    /// <summary>Adds <paramref name="row"/>'s counters to <paramref name="total"/>'s.</summary>
    public static void Add(MetricRollup total, MetricRollup row)
    {
        total.Created += row.Created;
        total.Reports += row.Reports;
        total.Solved += row.Solved;
        total.Reopened += row.Reopened;
        total.InboundMessages += row.InboundMessages;
        total.OutboundMessages += row.OutboundMessages;
        total.FirstReplies += row.FirstReplies;
        total.FirstReplySeconds += row.FirstReplySeconds;
        total.ResolutionSeconds += row.ResolutionSeconds;
        total.HandleSeconds += row.HandleSeconds;
        total.SlaMet += row.SlaMet;
        total.SlaMissed += row.SlaMissed;
        total.SlaBreaches += row.SlaBreaches;
        total.Escalations += row.Escalations;
        total.Actions += row.Actions;
        total.CsatSent += row.CsatSent;
        total.CsatResponses += row.CsatResponses;
        total.CsatScoreSum += row.CsatScoreSum;
        total.Csat1 += row.Csat1;
        total.Csat2 += row.Csat2;
        total.Csat3 += row.Csat3;
        total.Csat4 += row.Csat4;
        total.Csat5 += row.Csat5;
        total.Frt0 += row.Frt0;
        total.Frt1 += row.Frt1;
        total.Frt2 += row.Frt2;
        total.Frt3 += row.Frt3;
        total.Frt4 += row.Frt4;
        total.Frt5 += row.Frt5;
        total.Frt6 += row.Frt6;
        total.Frt7 += row.Frt7;
        total.Frt8 += row.Frt8;
        total.Frt9 += row.Frt9;
        total.Frt10 += row.Frt10;
        total.Frt11 += row.Frt11;
        total.Frt12 += row.Frt12;
        total.Frt13 += row.Frt13;
        total.Frt14 += row.Frt14;
        total.Frt15 += row.Frt15;
        total.Res0 += row.Res0;
        total.Res1 += row.Res1;
        total.Res2 += row.Res2;
        total.Res3 += row.Res3;
        total.Res4 += row.Res4;
        total.Res5 += row.Res5;
        total.Res6 += row.Res6;
        total.Res7 += row.Res7;
        total.Res8 += row.Res8;
        total.Res9 += row.Res9;
        total.Res10 += row.Res10;
        total.Res11 += row.Res11;
        total.Res12 += row.Res12;
        total.Res13 += row.Res13;
        total.Res14 += row.Res14;
        total.Res15 += row.Res15;
    }
}

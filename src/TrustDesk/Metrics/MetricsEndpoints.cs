using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.Identity;

namespace TrustDesk.Metrics;

public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/metrics").WithTags("Metrics")
            .MapGet("/overview", OverviewAsync)
            .RequirePermission(Permissions.MetricsRead)
            .WithName("GetMetricsOverview")
            .WithSummary("The desk's figures for a period (from rollups) and its backlog now, per queue, per agent and as a series");
        var api = app.MapGroup("/api/v1/metrics").WithTags("Metrics");
        api.MapGet("/overview.csv", OverviewCsvAsync)
            .RequirePermission(Permissions.MetricsRead)
            .WithName("ExportMetricsOverview")
            .WithSummary("A table of the overview as CSV: table=queues, agents or series, with the overview's parameters");
        api.MapGet("/trust-safety.csv", TrustSafetyCsvAsync)
            .RequirePermission(Permissions.MetricsRead)
            .WithName("ExportTrustSafety")
            .WithSummary("A table of the Trust & Safety dashboard as CSV: table=actions (enforcement by kind) or rules (rule precision), since from");
        api.MapGet("/ratings.csv", RatingsCsvAsync)
            .RequirePermission(Permissions.CasesRead)
            .WithName("ExportRatings")
            .WithSummary("An agent's latest satisfaction ratings with their comments, as CSV (your own; anyone's with metrics.read)");
        api.MapGet("/cases", CasesAsync)
            .RequirePermission(Permissions.CasesRead)
            .WithName("ListMetricCases")
            .WithSummary("The cases behind a figure of the overview (measure=created, solved, firstReplies, slaBreaches, open, ...)");
        api.MapGet("/cases.csv", CasesCsvAsync)
            .RequirePermission(Permissions.CasesRead)
            .WithName("ExportMetricCases")
            .WithSummary("The cases behind a figure, as CSV");
        app.MapPrometheus();
        CsatPage.Map(app);
        return app;
    }

    /// <summary>
    /// The backlog now (<c>open</c>, <c>new</c>, <c>waiting</c>) and the figures of the period: inflow and solved, reopen
    /// rate, first reply and resolution times (average, p50, p90 in minutes), SLA attainment and breaches, escalations,
    /// enforcement actions, CSAT (average, response rate, distribution); per queue (<c>byQueue</c>), per agent
    /// (<c>byAgent</c>) and per day or hour (<c>series</c>).
    /// </summary>
    /// <remarks>
    /// <c>from</c> and <c>to</c> are ISO 8601: a date (in <c>tz</c>; <c>to</c> then includes that day), a local date-time
    /// (in <c>tz</c>), or a date-time with <c>Z</c> or an offset; default the last seven days. Counted in whole UTC hours
    /// (<c>from</c> rounds down, <c>to</c> up), at most 400 days. <c>tz</c> is an IANA zone (default UTC): the days of the
    /// series are its days. Narrow with <c>queue</c>, <c>agent</c> (an email), <c>category</c>, <c>severity</c>,
    /// <c>channel</c>; <c>interval</c> is <c>day</c> or <c>hour</c> (default: hours up to 48 hours).
    /// </remarks>
    private static async Task<Results<Ok<MetricsOverview>, ValidationProblem>> OverviewAsync(
        [AsParameters] MetricsQuery query, GetOverview overview, CancellationToken cancellationToken) =>
        await overview.HandleAsync(query, cancellationToken) switch
        {
            GetOverview.Done done => TypedResults.Ok(done.Overview),
            GetOverview.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => throw new InvalidOperationException(),
        };

    /// <summary>
    /// The cases behind one figure: <c>measure</c> is one of open, created, reports, solved, reopened, firstReplies,
    /// slaBreaches, slaMet, slaMissed, escalations, actions, csatSent, csatResponses; the other parameters are the overview's.
    /// Their <c>count</c>s add up to the figure. Only cases the caller may see; without metrics.read, only the caller's own
    /// (<c>agent</c> = their email). At most 2,000 cases (<c>truncated</c> says when there were more).
    /// </summary>
    private static async Task<Results<Ok<MetricCaseList>, ValidationProblem>> CasesAsync(
        string? measure, [AsParameters] MetricsQuery query, ClaimsPrincipal user, ListMetricCases list, CancellationToken cancellationToken) =>
        await list.HandleAsync(measure, query, user, cancellationToken) switch
        {
            ListMetricCases.Listed listed => TypedResults.Ok(listed.List),
            ListMetricCases.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => throw new InvalidOperationException(),
        };

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> CasesCsvAsync(
        string? measure, [AsParameters] MetricsQuery query, ClaimsPrincipal user, ListMetricCases list, CancellationToken cancellationToken)
    {
        var result = await list.HandleAsync(measure, query, user, cancellationToken);
        if (result is not ListMetricCases.Listed listed)
        {
            return TypedResults.ValidationProblem(((ListMetricCases.Invalid)result).Errors);
        }

        var csv = Csv.Write(["case", "title", "status", "severity", "category", "queue", "assignee", "created", "count"],
            listed.List.Cases.Select(c => new object?[] { c.Number, c.Title, c.Status, c.Severity.ToString(), c.Category, c.Queue, c.Assignee, c.CreatedAt, c.Count }));
        return File(csv, $"cases-{listed.List.Measure}-{listed.List.From:yyyyMMdd}-{listed.List.To:yyyyMMdd}.csv");
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> OverviewCsvAsync(
        string? table, [AsParameters] MetricsQuery query, GetOverview overview, CancellationToken cancellationToken)
    {
        if (table is not ("queues" or "agents" or "series"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["table"] = ["One of queues, agents, series."] });
        }

        var result = await overview.HandleAsync(query, cancellationToken);
        if (result is not GetOverview.Done { Overview: var o })
        {
            return TypedResults.ValidationProblem(((GetOverview.Invalid)result).Errors);
        }

        string[] figures = ["created", "solved", "reopened", "firstReplies", "firstReplyP50Minutes", "firstReplyP90Minutes", "resolutionP50Minutes",
            "slaAttainment", "slaBreaches", "escalations", "actions", "csatAverage", "csatResponses", "handleHours", "handleMinutesPerSolved"];
        static object?[] Figures(MetricFigures f) =>
            [f.Created, f.Solved, f.Reopened, f.FirstReplies, f.FirstReplyP50Minutes, f.FirstReplyP90Minutes, f.ResolutionP50Minutes,
             f.SlaAttainment, f.SlaBreaches, f.Escalations, f.Actions, f.CsatAverage, f.CsatResponses, f.HandleHours, f.HandleMinutesPerSolved];
        var csv = table switch
        {
            "queues" => Csv.Write(["queue", "open", "new", "waiting", .. figures], o.ByQueue.Select(q => (object?[])[q.Queue, q.Open, q.New, q.Waiting, .. Figures(q)])),
            "agents" => Csv.Write(["agent", .. figures], o.ByAgent.Select(a => (object?[])[a.Agent, .. Figures(a)])),
            _ => Csv.Write(["start", "created", "solved", "reopened", "firstReplies", "firstReplyP50Minutes", "slaAttainment", "slaBreaches", "csatAverage"],
                o.Series.Select(p => (object?[])[p.Start, p.Created, p.Solved, p.Reopened, p.FirstReplies, p.FirstReplyP50Minutes, p.SlaAttainment, p.SlaBreaches, p.CsatAverage])),
        };
        return File(csv, $"{table}-{o.From:yyyyMMdd}-{o.To:yyyyMMdd}.csv");
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> TrustSafetyCsvAsync(
        string? table, [AsParameters] MetricsQuery query, TrustDesk.Taxonomy.CategoryCatalog catalog, TimeProvider time, LoadTrustSafety trustSafety,
        CancellationToken cancellationToken)
    {
        if (table is not ("actions" or "rules"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["table"] = ["One of actions, rules."] });
        }

        // The period is parsed and checked as the overview's; the page counts from its start until now.
        var period = MetricsPeriod.TryParse(query, time.GetUtcNow().UtcDateTime, await catalog.GetAsync(cancellationToken), out var errors);
        if (period is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var view = await trustSafety.LoadAsync(period.From, cancellationToken);
        var csv = table == "actions"
            ? Csv.Write(["action", "taken", "rejected"], view.Actions.Select(a => new object?[] { a.Kind, a.Taken, a.Rejected }))
            : Csv.Write(["rule", "cases", "solved", "kept", "precision", "actioned"],
                view.Rules.Select(r => new object?[] { r.Rule, r.Cases, r.Solved, r.Kept, r.Precision, r.Actioned }));
        return File(csv, $"{table}-{period.From:yyyyMMdd}.csv");
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> RatingsCsvAsync(
        string? agent, ClaimsPrincipal user, LoadDashboard dashboard, CancellationToken cancellationToken)
    {
        var me = user.Identity?.Name;
        agent = string.IsNullOrWhiteSpace(agent) ? me : agent.Trim();
        if (agent is null || (agent != me && !user.Has(Permissions.MetricsRead)))
        {
            // Someone's ratings and the comments about them are theirs and their lead's: an agent reads only their own.
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["agent"] = ["Without the metrics.read permission only your own ratings: agent must be your email."] });
        }

        var ratings = await dashboard.RatingsAsync(agent, LoadDashboard.MaxRatings, cancellationToken);
        var csv = Csv.Write(["answered", "case", "score", "comment"],
            ratings.Select(r => new object?[] { r.AnsweredAt, TrustDesk.Cases.Case.FormatNumber(r.CaseId), r.Score, r.Comment }));
        return File(csv, "ratings.csv");
    }

    private static FileContentHttpResult File(string csv, string name) =>
        TypedResults.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", name);
}

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
}

using TrustDesk.Queues;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Health;

public static class HealthEndpoints
{
    /// <summary>How long <c>/readyz</c> waits for the database before it answers not ready.</summary>
    public static readonly TimeSpan ReadyProbeTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Liveness: the process answers. Deliberately touches nothing else (it is also the benchmark's ceiling).
        app.MapGet("/healthz", () => TypedResults.Text("ok"))
            .AllowAnonymous()
            .WithTags("Health")
            .WithName("Health")
            .WithSummary("The process is up");

        app.MapGet("/readyz", async Task<Results<Ok<string>, ProblemHttpResult>> (TrustDeskDb db, CancellationToken requestAborted) =>
            {
                // Asked of the database at every call, so a node that lost it reports so until it is back (while lost,
                // a proxy sends the traffic to the other nodes). Bounded: a database that does not answer (a network cut
                // rather than a refusal) is not ready either, and a proxy's check gives up after a few seconds.
                using var probe = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
                probe.CancelAfter(ReadyProbeTimeout);
                try
                {
                    if (await db.Database.CanConnectAsync(probe.Token) && await db.Queues.AnyAsync(probe.Token))
                    {
                        return TypedResults.Ok("ready");
                    }
                }
                catch (Exception error) when (error is not OperationCanceledException || !requestAborted.IsCancellationRequested)
                {
                    // Reported below without details: this endpoint is anonymous. The node's log says what failed.
                }

                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The database is not reachable or not migrated.");
            })
            .AllowAnonymous()
            .WithTags("Health")
            .WithName("Ready")
            .WithSummary("The database is reachable and migrated");

        return app;
    }
}

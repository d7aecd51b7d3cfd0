using TrustDesk.Queues;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Health;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Liveness: the process answers. Deliberately touches nothing else (it is also the benchmark's ceiling).
        app.MapGet("/healthz", () => TypedResults.Text("ok"))
            .AllowAnonymous()
            .WithTags("Health")
            .WithName("Health")
            .WithSummary("The process is up");

        app.MapGet("/readyz", async Task<Results<Ok<string>, ProblemHttpResult>> (TrustDeskDb db, CancellationToken cancellationToken) =>
            {
                try
                {
                    if (await db.Database.CanConnectAsync(cancellationToken) && await db.Queues.AnyAsync(cancellationToken))
                    {
                        return TypedResults.Ok("ready");
                    }
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // Reported below without details: this endpoint is anonymous.
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

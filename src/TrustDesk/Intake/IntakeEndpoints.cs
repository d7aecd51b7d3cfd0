using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.Intake;

public static class IntakeEndpoints
{
    public static IServiceCollection AddIntake(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IntakeOptions>(configuration.GetSection("TrustDesk:Intake"));
        services.Configure<Triage.TriageOptions>(configuration.GetSection("TrustDesk:Triage"));
        services.AddSingleton<Triage.TriageEngine>();
        services.AddSingleton<IntakeWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<IntakeWriter>());
        services.AddScoped<SubmitReport>();
        services.AddScoped<RecordEvents>();
        services.AddScoped<UpsertSubjects>();
        return services;
    }

    public static IEndpointRouteBuilder MapIntakeEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Intake");

        api.MapPost("/reports", SubmitReportAsync)
            .RequirePermission(Permissions.ReportsWrite)
            .WithName("SubmitReport")
            .WithSummary("Report a subject")
            .WithDescription("A user's report lands in the open case for the same subject and category (its report count goes up), " +
                "or opens a new case with the category's default severity and queue. 201 when accepted, 200 when an Idempotency-Key replays.");

        api.MapPost("/events", RecordEventsAsync)
            .RequirePermission(Permissions.EventsWrite)
            .WithName("RecordEvents")
            .WithSummary("Record one platform event (a JSON object) or a batch (a JSON array of up to 500)")
            .WithDescription("Idempotent by the platform's event id: an id seen before is answered as a duplicate and stored once.")
            .Accepts<EventRequest>("application/json");

        return app;
    }

    private static async Task<Results<Created<SubmitReportResponse>, Ok<SubmitReportResponse>, ValidationProblem, ProblemHttpResult>> SubmitReportAsync(
        SubmitReportRequest request, HttpRequest http, ClaimsPrincipal user, SubmitReport submitReport, CancellationToken cancellationToken)
    {
        var headerErrors = new ValidationErrors();
        var key = Idempotency.ReadKey(http, headerErrors);
        if (headerErrors.Any)
        {
            return TypedResults.ValidationProblem(headerErrors.ToDictionary());
        }

        return await submitReport.HandleAsync(request, user, key, cancellationToken) switch
        {
            SubmitReport.Accepted { Replayed: true } replay => TypedResults.Ok(replay.Response),
            SubmitReport.Accepted accepted => TypedResults.Created($"/api/v1/cases/{accepted.Response.CaseId}", accepted.Response),
            SubmitReport.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => (ProblemHttpResult)Idempotency.MismatchProblem(),
        };
    }

    private static async Task<Results<Ok<RecordEventsResponse>, ValidationProblem>> RecordEventsAsync(
        JsonElement body, RecordEvents recordEvents, CancellationToken cancellationToken)
    {
        List<EventRequest>? events;
        var prefix = "";
        try
        {
            if (body.ValueKind == JsonValueKind.Array)
            {
                events = body.Deserialize<List<EventRequest>>(JsonOptions.Api);
                prefix = "body";
            }
            else if (body.ValueKind == JsonValueKind.Object)
            {
                events = body.Deserialize<EventRequest>(JsonOptions.Api) is { } single ? [single] : null;
            }
            else
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["An event object or an array of events."] });
            }
        }
        catch (JsonException json)
        {
            var field = ApiExceptionHandler.JsonPathToField(json.Path);
            field = prefix.Length > 0 && field != "body" ? "body" + field : field;
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [ApiExceptionHandler.DescribeJsonError(json, field)] });
        }

        if (events is null || events.Any(e => e is null))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Events must be JSON objects."] });
        }

        return await recordEvents.HandleAsync(events, prefix, cancellationToken) switch
        {
            RecordEvents.Recorded recorded => TypedResults.Ok(recorded.Response),
            RecordEvents.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => throw new InvalidOperationException("Unexpected result."),
        };
    }
}

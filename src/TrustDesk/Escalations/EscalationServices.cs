using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.AgentConsole;
using TrustDesk.Api;
using TrustDesk.Cases;
using TrustDesk.Identity;

namespace TrustDesk.Escalations;

/// <summary>Departments as collaborators: their inbox, the escalation's conversation, the case page's escalation panel.</summary>
public static class EscalationServices
{
    public static IServiceCollection AddEscalations(this IServiceCollection services) =>
        services
            .AddScoped<ListEscalations>()
            .AddScoped<RespondToEscalation>()
            .AddScoped<LoadEscalation>()
            .AddCaseSidePanel<EscalationsPanel>(order: 5)
            .AddHeaderItem<DepartmentLink>(order: -1);

    public static IEndpointRouteBuilder MapEscalationEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/escalations").WithTags("Escalations");

        api.MapGet("/", ListAsync)
            .RequirePermission(Permissions.CasesRead)
            .WithName("ListEscalations")
            .WithSummary("List escalations: a department member sees their department's, others those on the cases they may see")
            .WithDescription("Filters: department (code), caseId, open (true: not closed). Open ones first, by due date; at most 200.");

        api.MapPost("/{id:guid}/responses", RespondAsync)
            .RequirePermission(Permissions.CasesComment)
            .WithName("RespondToEscalation")
            .WithSummary("Answer, ask back, reply or close an escalation; always an internal note on the case, never a message to the user");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<EscalationItem>>, ValidationProblem>> ListAsync(
        string? department, long? caseId, bool? open, ClaimsPrincipal user, ListEscalations list, CancellationToken cancellationToken) =>
        await list.HandleAsync(user, department, caseId, open == true, cancellationToken) is { } items
            ? TypedResults.Ok(items)
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["department"] = [$"One of {Departments.List}."] });

    private static async Task<Results<Created<EscalationView>, Ok<EscalationView>, NotFound, ValidationProblem, ProblemHttpResult>> RespondAsync(
        Guid id, RespondToEscalationRequest request, HttpRequest http, ClaimsPrincipal user, RespondToEscalation respond, CancellationToken cancellationToken)
    {
        var headerErrors = new ValidationErrors();
        var key = Idempotency.ReadKey(http, headerErrors);
        if (headerErrors.Any)
        {
            return TypedResults.ValidationProblem(headerErrors.ToDictionary());
        }

        return await respond.HandleAsync(id, request, user, key, cancellationToken) switch
        {
            RespondToEscalation.Responded { Replayed: true } replay => TypedResults.Ok(replay.Escalation),
            RespondToEscalation.Responded responded => TypedResults.Created($"/api/v1/cases/{responded.Escalation.CaseId}", responded.Escalation),
            RespondToEscalation.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            RespondToEscalation.Forbidden forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed on this escalation.", detail: forbidden.Reason),
            RespondToEscalation.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The case changed at the same moment.", detail: "Send the same request again."),
            RespondToEscalation.IdempotencyMismatch => (ProblemHttpResult)Idempotency.MismatchProblem(),
            _ => TypedResults.NotFound(),
        };
    }
}

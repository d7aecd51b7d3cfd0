using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.Identity;
using TrustDesk.Subjects;

namespace TrustDesk.Intake;

/// <summary>The platform pushes its objects here; they go through the intake writer like reports and events.</summary>
public static class SubjectIntakeEndpoints
{
    public static IEndpointRouteBuilder MapSubjectIntakeEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/subjects").WithTags("Subjects");

        api.MapPut("/{kind}/{externalId}", UpsertOneAsync)
            .RequirePermission(Permissions.SubjectsWrite)
            .WithName("UpsertSubject")
            .WithSummary("Create or update one platform object, with its links and identifiers");

        api.MapPut("/", UpsertBatchAsync)
            .RequirePermission(Permissions.SubjectsWrite)
            .WithName("UpsertSubjects")
            .WithSummary("Create or update up to 500 platform objects in one commit");
        return app;
    }

    private static async Task<Results<Ok<UpsertedSubject>, ValidationProblem>> UpsertOneAsync(
        string kind, string externalId, UpsertSubjectRequest request, UpsertSubjects upsert, CancellationToken cancellationToken)
    {
        var parsedKind = SubjectEndpoints.ParseKind(kind);
        var item = new UpsertSubjectBatchItem(parsedKind, externalId, request.DisplayName, request.CreatedAt, request.Attributes, request.Links, request.Identifiers, request.Status);
        return await upsert.HandleAsync([item], single: true, cancellationToken) switch
        {
            UpsertSubjects.Upserted upserted => TypedResults.Ok(upserted.Response.Items[0]),
            UpsertSubjects.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => throw new InvalidOperationException("Unexpected result."),
        };
    }

    private static async Task<Results<Ok<UpsertSubjectsResponse>, ValidationProblem>> UpsertBatchAsync(
        UpsertSubjectsBatchRequest request, UpsertSubjects upsert, CancellationToken cancellationToken) =>
        await upsert.HandleAsync(request.Items, single: false, cancellationToken) switch
        {
            UpsertSubjects.Upserted upserted => TypedResults.Ok(upserted.Response),
            UpsertSubjects.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => throw new InvalidOperationException("Unexpected result."),
        };
}

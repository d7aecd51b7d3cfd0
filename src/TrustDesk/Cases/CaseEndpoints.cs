using TrustDesk.Data;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.Cases;

public static class CaseEndpoints
{
    public static IServiceCollection AddCases(this IServiceCollection services)
    {
        // Every commit that touches a case tells open consoles, whichever writer made it (intake, API, console).
        services.AddSingleton<CaseChanges>();
        services.AddSingleton<CaseChangeInterceptor>();
        // Features that keep something per case (SLA clocks) see each save's new case events before it is written.
        services.AddSingleton<ISavingHook, CaseObservers>();
        services.ConfigureDbContext<SqliteTrustDeskDb>((provider, options) => AddCaseChangeInterceptors(provider, options));
        services.ConfigureDbContext<PostgresTrustDeskDb>((provider, options) => AddCaseChangeInterceptors(provider, options));

        // Several nodes over one PostgreSQL hear each other's changes; on SQLite the relay does nothing.
        services.AddSingleton<PostgresCaseChangeRelay>();
        services.AddHostedService(provider => provider.GetRequiredService<PostgresCaseChangeRelay>());

        return services
            .AddScoped<ListCases>()
            .AddScoped<GetCase>()
            .AddScoped<CreateCase>()
            .AddScoped<UpdateCase>()
            .AddScoped<AddMessage>()
            .AddScoped<CaseAccess>()
            .AddScoped<EscalateCase>()
            .AddScoped<MergeCases>()
            .AddScoped<RevealPersonalData>()
            .AddScoped<DownloadAttachment>();
    }

    private static void AddCaseChangeInterceptors(IServiceProvider provider, Microsoft.EntityFrameworkCore.DbContextOptionsBuilder options)
    {
        var interceptor = provider.GetRequiredService<CaseChangeInterceptor>();
        options.AddInterceptors(interceptor, interceptor.Transactions);
    }

    public static IEndpointRouteBuilder MapCaseEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/cases").WithTags("Cases");

        api.MapGet("/", ListAsync)
            .RequirePermission(Permissions.CasesRead)
            .WithName("ListCases")
            .WithSummary("List cases, in the order of work by default (severity, then age)")
            .WithDescription("Filters: status (comma list, or open_any), severity (S1,S2), category (code or family such as payments), " +
                "queue (name), assignee (or none), subject (kind:externalId), q (full text over titles and messages, or a case number). " +
                "sla (breached, at_risk, ok, none; comma list). " +
                "sort: priority (default), newest, updated, due (open cases by their earliest unmet SLA target's due time, none last). Pages of up to 200 with nextCursor.");

        api.MapGet("/{id:long}", GetAsync)
            .RequirePermission(Permissions.CasesRead)
            .WithName("GetCase")
            .WithSummary("One case with its messages, subjects and timeline; the ETag header is its version");

        api.MapPost("/", CreateAsync)
            .RequirePermission(Permissions.CasesUpdate)
            .WithName("CreateCase")
            .WithSummary("Open a case");

        api.MapPatch("/{id:long}", UpdateAsync)
            .RequirePermission(Permissions.CasesUpdate)
            .WithName("UpdateCase")
            .WithSummary("Change status (legal moves only), severity, category, queue, assignee, tags or title")
            .WithDescription("Send If-Match with the ETag you last saw: if someone changed the case since, the answer is 412 and nothing changes.");

        api.MapPost("/{id:long}/messages", AddMessageAsync)
            .RequirePermission(Permissions.CasesComment)
            .WithName("AddCaseMessage")
            .WithSummary("Add a reply or an internal note");

        api.MapGet("/{id:long}/messages/{messageId:guid}/attachments/{attachmentId:guid}", DownloadMessageAttachmentAsync)
            .RequirePermission(Permissions.CasesRead)
            .WithName("DownloadMessageAttachment")
            .WithSummary("The bytes of a message's attachment, as a download")
            .WithDescription("Served with Content-Disposition: attachment, X-Content-Type-Options: nosniff and the type the bytes were " +
                "found to be (never the sender's declared type; application/octet-stream when unrecognised). 410 when the file was " +
                "refused on arrival and not kept; 404 when the case is not visible to the caller or the attachment is not on that message.");

        api.MapPost("/{id:long}/escalations", EscalateAsync)
            .RequirePermission(Permissions.CasesEscalate)
            .WithName("EscalateCase")
            .WithSummary("Escalate the case to a department, whose members can then see it");

        api.MapPost("/{id:long}/merge", MergeAsync)
            .RequirePermission(Permissions.CasesUpdate)
            .WithName("MergeCase")
            .WithSummary("Merge this case into another: its messages, reports and subjects move there; it is closed and says where it went (mergedInto)")
            .WithDescription("Body: {\"into\": caseId}. Answers the target case. A retry of a done merge answers the same; 409 when this case " +
                "was merged elsewhere, or the target is closed or itself merged; 400 for a missing or unknown target.");

        api.MapPost("/{id:long}/reveal", RevealAsync)
            .RequirePermission(Permissions.PersonalDataReveal)
            .WithName("RevealCasePersonalData")
            .WithSummary("The requester's contact details in clear; needs a reason, which the audit trail keeps");

        // Attachment ids are unique on their own; the case they belong to is looked up, then checked like the case.
        app.MapGet("/api/v1/attachments/{id:guid}", DownloadAttachmentByIdAsync)
            .WithTags("Cases")
            .RequirePermission(Permissions.CasesRead)
            .WithName("DownloadAttachment")
            .WithSummary("A message's attachment, as a download of the type its bytes are; 404 unless you may see its case");

        return app;
    }

    private static async Task<Results<FileStreamHttpResult, NotFound, ProblemHttpResult>> DownloadAttachmentByIdAsync(
        Guid id, HttpResponse response, ClaimsPrincipal user, DownloadAttachment download, CancellationToken cancellationToken) =>
        ToDownload(await download.HandleAsync(id, user, cancellationToken), response);

    private static async Task<Results<Ok<CasePage>, ValidationProblem>> ListAsync(
        [AsParameters] ListCasesQueryParameters query, ClaimsPrincipal user, ListCases listCases, CancellationToken cancellationToken) =>
        await listCases.HandleAsync(query.ToQuery(), user, cancellationToken) switch
        {
            ListCases.Listed listed => TypedResults.Ok(listed.Page),
            ListCases.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => throw new InvalidOperationException("Unexpected result."),
        };

    private static async Task<Results<Ok<CaseDetail>, NotFound>> GetAsync(
        long id, HttpResponse response, ClaimsPrincipal user, GetCase getCase, CancellationToken cancellationToken)
    {
        var detail = await getCase.HandleAsync(id, user, cancellationToken);
        if (detail is null)
        {
            return TypedResults.NotFound();
        }

        response.Headers.ETag = $"\"{detail.Id}-{detail.Version}\"";
        return TypedResults.Ok(detail);
    }

    private static async Task<Results<Ok<CaseDetail>, NotFound, ValidationProblem, ProblemHttpResult>> MergeAsync(
        long id, MergeCasesRequest request, HttpResponse response, ClaimsPrincipal user, MergeCases merge, CancellationToken cancellationToken)
    {
        switch (await merge.HandleAsync(id, request, user, cancellationToken))
        {
            case MergeCases.Merged merged:
                response.Headers.ETag = $"\"{merged.Target.Id}-{merged.Target.Version}\"";
                return TypedResults.Ok(merged.Target);
            case MergeCases.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors);
            case MergeCases.Conflict conflict:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The cases cannot be merged.", detail: conflict.Reason);
            default:
                return TypedResults.NotFound();
        }
    }

    private static async Task<Results<FileStreamHttpResult, NotFound, ProblemHttpResult>> DownloadMessageAttachmentAsync(
        long id, Guid messageId, Guid attachmentId, HttpResponse response, ClaimsPrincipal user, DownloadAttachment download, CancellationToken cancellationToken) =>
        ToDownload(await download.HandleAsync(id, messageId, attachmentId, user, cancellationToken), response);

    private static Results<FileStreamHttpResult, NotFound, ProblemHttpResult> ToDownload(DownloadAttachment.Result result, HttpResponse response)
    {
        switch (result)
        {
            case DownloadAttachment.Found found:
                // Belt and braces against a file that a browser might still render: no sniffing, and a sandbox with no
                // scripts and no same origin should it ever be opened in a tab.
                response.Headers.XContentTypeOptions = "nosniff";
                response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
                response.Headers.CacheControl = "private, no-store";
                return TypedResults.File(found.Content, found.ContentType, found.FileName);
            case DownloadAttachment.NotKept notKept:
                return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "The file was refused when it arrived and was not kept.",
                    detail: notKept.Reason);
            default:
                return TypedResults.NotFound();
        }
    }

    private static async Task<Results<Created<CaseDetail>, Ok<CaseDetail>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateCaseRequest request, HttpRequest http, ClaimsPrincipal user, CreateCase createCase, CancellationToken cancellationToken)
    {
        var headerErrors = new ValidationErrors();
        var key = Idempotency.ReadKey(http, headerErrors);
        if (headerErrors.Any)
        {
            return TypedResults.ValidationProblem(headerErrors.ToDictionary());
        }

        var result = await createCase.HandleAsync(request, user, key, cancellationToken);
        if (result is CreateCase.Created created)
        {
            http.HttpContext.Response.Headers.ETag = $"\"{created.Case.Id}-{created.Case.Version}\"";
        }

        return result switch
        {
            CreateCase.Created { Replayed: true } replay => TypedResults.Ok(replay.Case),
            CreateCase.Created created2 => TypedResults.Created($"/api/v1/cases/{created2.Case.Id}", created2.Case),
            CreateCase.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => (ProblemHttpResult)Idempotency.MismatchProblem(),
        };
    }

    private static async Task<Results<Ok<CaseDetail>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        long id, UpdateCaseRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, ClaimsPrincipal user,
        UpdateCase updateCase, CancellationToken cancellationToken)
    {
        switch (await updateCase.HandleAsync(id, request, ifMatch, user, cancellationToken))
        {
            case UpdateCase.Updated updated:
                response.Headers.ETag = $"\"{updated.Case.Id}-{updated.Case.Version}\"";
                return TypedResults.Ok(updated.Case);
            case UpdateCase.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors);
            case UpdateCase.PreconditionFailed failed:
                response.Headers.ETag = failed.CurrentETag;
                return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
                    title: "The case changed since you read it.", detail: $"Its ETag is now {failed.CurrentETag}. Fetch it again and retry.");
            default:
                return TypedResults.NotFound();
        }
    }

    private static async Task<Results<Created<MessageView>, Ok<MessageView>, NotFound, ValidationProblem, ProblemHttpResult>> AddMessageAsync(
        long id, AddMessageRequest request, HttpRequest http, ClaimsPrincipal user, AddMessage addMessage, CancellationToken cancellationToken)
    {
        var headerErrors = new ValidationErrors();
        var key = Idempotency.ReadKey(http, headerErrors);
        if (headerErrors.Any)
        {
            return TypedResults.ValidationProblem(headerErrors.ToDictionary());
        }

        return await addMessage.HandleAsync(id, request, user, key, cancellationToken) switch
        {
            AddMessage.Added { Replayed: true } replay => TypedResults.Ok(replay.Message),
            AddMessage.Added added => TypedResults.Created($"/api/v1/cases/{id}", added.Message),
            AddMessage.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            AddMessage.IdempotencyMismatch => (ProblemHttpResult)Idempotency.MismatchProblem(),
            AddMessage.Forbidden forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed on this case.", detail: forbidden.Reason),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<Created<EscalationView>, NotFound, ValidationProblem>> EscalateAsync(
        long id, EscalateCaseRequest request, ClaimsPrincipal user, EscalateCase escalate, CancellationToken cancellationToken) =>
        await escalate.HandleAsync(id, request, user, cancellationToken) switch
        {
            EscalateCase.Escalated escalated => TypedResults.Created($"/api/v1/cases/{id}", escalated.Escalation),
            EscalateCase.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<Ok<RevealedCaseView>, NotFound, ValidationProblem>> RevealAsync(
        long id, RevealRequest request, ClaimsPrincipal user, RevealPersonalData reveal, CancellationToken cancellationToken) =>
        await reveal.CaseAsync(id, request, user, cancellationToken) switch
        {
            RevealPersonalData.Revealed<RevealedCaseView> revealed => TypedResults.Ok(revealed.View),
            RevealPersonalData.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => TypedResults.NotFound(),
        };

    /// <summary>Query-string parameters of the case list.</summary>
    public sealed record ListCasesQueryParameters(
        string? Status, string? Severity, string? Category, string? Queue, string? Assignee, string? Subject, string? Q, string? Sort,
        int? Limit, string? Cursor, string? Sla)
    {
        public ListCasesQuery ToQuery() => new(Status, Severity, Category, Queue, Assignee, Subject, Q, Sort, Limit, Cursor, Sla);
    }
}

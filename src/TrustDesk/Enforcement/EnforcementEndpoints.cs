using TrustDesk.AgentConsole;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TrustDesk.Identity;
using TrustDesk.Subjects;

namespace TrustDesk.Enforcement;

public static class EnforcementEndpoints
{
    public static IServiceCollection AddEnforcement(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EnforcementOptions>(configuration.GetSection(EnforcementOptions.Section));
        services.AddScoped<ActionEffects>();
        services.AddScoped<StatementOfReasons>();
        services.AddScoped<TakeAction>();
        services.AddScoped<DecideAction>();
        services.AddScoped<ConfirmAction>();
        services.AddScoped<ReadActions>();
        services.AddScoped<SubmitAppeal>();
        services.AddScoped<DecideAppeal>();
        services.AddCaseSidePanel<CaseEnforcementPanel>();
        services.AddSubjectPanel<StrikesPanel>();
        return services;
    }

    public static IEndpointRouteBuilder MapEnforcementEndpoints(this IEndpointRouteBuilder app)
    {
        var actions = app.MapGroup("/api/v1/actions").WithTags("Enforcement");

        actions.MapPost("/", TakeAsync)
            .RequirePermission(Permissions.ActionsTake)
            .WithName("TakeAction")
            .WithSummary("Take an action on a case's subject; severe ones wait for a second person's approval (status pending_approval)");

        actions.MapGet("/catalogue", () => TypedResults.Ok(ActionCatalogue.All.Select(a => new
            {
                a.Kind, a.Title, subjectKinds = a.SubjectKinds.Select(k => k.ToString().ToLowerInvariant()), a.Reversible, a.Permission, a.Severity,
                a.Restriction, duration = a.Duration.ToString().ToLowerInvariant(), amount = a.Amount.ToString().ToLowerInvariant(),
            })))
            .RequirePermission(Permissions.ActionsRead)
            .WithName("GetActionCatalogue")
            .WithSummary("The kinds of action, the subjects each applies to, reversibility and the permission each needs");

        actions.MapGet("/pending", async (ClaimsPrincipal user, ReadActions read, CancellationToken cancellationToken) =>
                TypedResults.Ok(await read.PendingApprovalAsync(user, cancellationToken)))
            .RequirePermission(Permissions.ActionsApprove)
            .WithName("ListPendingActions")
            .WithSummary("Actions waiting for a second person's approval");

        actions.MapGet("/{id:guid}", async Task<Results<Ok<ActionView>, NotFound>> (Guid id, ClaimsPrincipal user, ReadActions read, CancellationToken cancellationToken) =>
                await read.GetAsync(id, user, cancellationToken) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequirePermission(Permissions.ActionsRead)
            .WithName("GetAction")
            .WithSummary("One action; 404 unless you may see its case (or approve actions)");

        actions.MapPost("/{id:guid}/approve", (Guid id, DecideActionRequest? request, ClaimsPrincipal user, DecideAction decide, CancellationToken cancellationToken) =>
                DecideAsync(id, approve: true, request, user, decide, cancellationToken))
            .RequirePermission(Permissions.ActionsApprove)
            .WithName("ApproveAction")
            .WithSummary("Approve a pending action: 403 for its proposer, 409 when expired or already decided");

        actions.MapPost("/{id:guid}/reject", (Guid id, DecideActionRequest? request, ClaimsPrincipal user, DecideAction decide, CancellationToken cancellationToken) =>
                DecideAsync(id, approve: false, request, user, decide, cancellationToken))
            .RequirePermission(Permissions.ActionsApprove)
            .WithName("RejectAction")
            .WithSummary("Reject a pending action");

        actions.MapPost("/{id:guid}/confirmation", ConfirmAsync)
            .RequirePermission(Permissions.ActionsConfirm)
            .WithName("ConfirmAction")
            .WithSummary("The platform confirms it executed (or failed to execute) an approved action; taken once, a replay is 409");

        actions.MapGet("/{id:guid}/statement", async Task<Results<Ok<StatementView>, NotFound>> (Guid id, ClaimsPrincipal user, ReadActions read, CancellationToken cancellationToken) =>
                await read.StatementAsync(id, user, cancellationToken) is { } statement ? TypedResults.Ok(statement) : TypedResults.NotFound())
            .RequirePermission(Permissions.ActionsRead)
            .WithName("GetStatementOfReasons")
            .WithSummary("The statement of reasons (DSA Art. 17) of a decided action, with its Transparency Database export");

        actions.MapPost("/{id:guid}/appeals", ForwardAppealAsync)
            .RequirePermission(Permissions.ActionsConfirm)
            .WithName("ForwardAppeal")
            .WithSummary("The platform forwards a user's appeal; subjectExternalId must be the user the action was taken against (else 403)");

        app.MapGet("/api/v1/cases/{id:long}/enforcement", async Task<Results<Ok<CaseEnforcementView>, NotFound>> (long id, ClaimsPrincipal user, ReadActions read, CancellationToken cancellationToken) =>
                await read.ForCaseAsync(id, user, cancellationToken) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithTags("Enforcement")
            .RequirePermission(Permissions.CasesRead)
            .WithName("GetCaseEnforcement")
            .WithSummary("A case's actions, its rules' proposals and, for an appeal's case, the appeal");

        app.MapPost("/api/v1/proposals/{id:guid}/accept", (Guid id, ClaimsPrincipal user, DecideAction decide, CancellationToken cancellationToken) =>
                ProposalAsync(decide.AcceptProposalAsync(id, user, cancellationToken)))
            .WithTags("Enforcement")
            .RequirePermission(Permissions.ActionsTake)
            .WithName("AcceptProposal")
            .WithSummary("A rule's proposed action becomes an action, decided as any other (four eyes when severe)");

        app.MapPost("/api/v1/proposals/{id:guid}/decline", (Guid id, ClaimsPrincipal user, DecideAction decide, CancellationToken cancellationToken) =>
                ProposalAsync(decide.DeclineProposalAsync(id, user, cancellationToken)))
            .WithTags("Enforcement")
            .RequirePermission(Permissions.ActionsTake)
            .WithName("DeclineProposal")
            .WithSummary("Decline a rule's proposed action");

        app.MapPost("/api/v1/appeals/{id:guid}/decision", DecideAppealAsync)
            .WithTags("Enforcement")
            .RequirePermission(Permissions.AppealsDecide)
            .WithName("DecideAppeal")
            .WithSummary("Uphold or overturn an appeal; 403 for anyone who took part in the decision");

        app.MapGet("/api/v1/strikes", StandingAsync)
            .WithTags("Enforcement")
            .RequirePermission(Permissions.ActionsRead)
            .WithName("GetStanding")
            .WithSummary("A subject's strikes, standing and the ladder's next step: ?subject=account:u-123");

        PublicAppealPage.Map(app);
        return app;
    }

    private static async Task<Results<Created<ActionView>, NotFound, ValidationProblem, ProblemHttpResult>> TakeAsync(
        TakeActionRequest request, ClaimsPrincipal user, TakeAction take, CancellationToken cancellationToken) =>
        await take.HandleAsync(request, user, cancellationToken) switch
        {
            TakeAction.Taken taken => TypedResults.Created($"/api/v1/actions/{taken.Action.Id}", taken.Action),
            TakeAction.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            TakeAction.Forbidden forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not permitted.", detail: forbidden.Reason),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<Ok<ActionView>, NotFound, ValidationProblem, ProblemHttpResult>> DecideAsync(
        Guid id, bool approve, DecideActionRequest? request, ClaimsPrincipal user, DecideAction decide, CancellationToken cancellationToken) =>
        ToResult(await decide.HandleAsync(id, approve, request ?? new DecideActionRequest(null), user, cancellationToken));

    private static async Task<Results<Ok<ActionView>, NotFound, ValidationProblem, ProblemHttpResult>> ProposalAsync(Task<DecideAction.Result> result) =>
        await result is DecideAction.Declined ? TypedResults.Ok<ActionView>(null!) : ToResult(await result);

    private static Results<Ok<ActionView>, NotFound, ValidationProblem, ProblemHttpResult> ToResult(DecideAction.Result result) => result switch
    {
        DecideAction.Decided decided => TypedResults.Ok(decided.Action),
        DecideAction.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
        DecideAction.Forbidden forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Four eyes: a second person must decide.", detail: forbidden.Reason),
        DecideAction.Conflict conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The action cannot be decided now.", detail: conflict.Reason),
        _ => TypedResults.NotFound(),
    };

    private static async Task<Results<Ok<ActionView>, NotFound, ValidationProblem, ProblemHttpResult>> ConfirmAsync(
        Guid id, ConfirmActionRequest request, ClaimsPrincipal user, ConfirmAction confirm, CancellationToken cancellationToken) =>
        await confirm.HandleAsync(id, request, user, cancellationToken) switch
        {
            ConfirmAction.Confirmed confirmed => TypedResults.Ok(confirmed.Action),
            ConfirmAction.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            ConfirmAction.Conflict conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already confirmed, or not awaiting confirmation.",
                detail: conflict.Reason, extensions: new Dictionary<string, object?> { ["status"] = conflict.Status }),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<Created<AppealView>, NotFound, ValidationProblem, ProblemHttpResult>> ForwardAppealAsync(
        Guid id, ForwardAppealRequest request, SubmitAppeal submit, CancellationToken cancellationToken) =>
        ToResult(await submit.ViaPlatformAsync(id, request, cancellationToken));

    internal static Results<Created<AppealView>, NotFound, ValidationProblem, ProblemHttpResult> ToResult(SubmitAppeal.Result result) => result switch
    {
        SubmitAppeal.Submitted submitted => TypedResults.Created($"/api/v1/appeals/{submitted.Appeal.Id}", submitted.Appeal),
        SubmitAppeal.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
        SubmitAppeal.Forbidden forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your appeal to make.", detail: forbidden.Reason),
        SubmitAppeal.Conflict conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This decision cannot be appealed now.", detail: conflict.Reason),
        SubmitAppeal.Gone gone => TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "The appeal window has closed.", detail: gone.Reason),
        _ => TypedResults.NotFound(),
    };

    private static async Task<Results<Ok<DecideAppeal.Decided>, NotFound, ValidationProblem, ProblemHttpResult>> DecideAppealAsync(
        Guid id, DecideAppealRequest request, ClaimsPrincipal user, DecideAppeal decide, CancellationToken cancellationToken) =>
        await decide.HandleAsync(id, request, user, cancellationToken) switch
        {
            DecideAppeal.Decided decided => TypedResults.Ok(decided),
            DecideAppeal.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            DecideAppeal.Forbidden forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "You took part in this decision.", detail: forbidden.Reason),
            DecideAppeal.Conflict conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The appeal cannot be decided now.", detail: conflict.Reason),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<Ok<StandingView>, NotFound, ValidationProblem>> StandingAsync(
        [FromQuery] string? subject, ClaimsPrincipal user, ReadActions read, CancellationToken cancellationToken)
    {
        var parts = subject?.Split(':', 2);
        if (parts is not [var kindText, var externalId] || !Enum.TryParse<SubjectKind>(kindText, ignoreCase: true, out var kind) || externalId.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["subject"] = ["kind:externalId, such as account:u-123."] });
        }

        return await read.StandingAsync(kind, externalId, user, cancellationToken) is { } standing ? TypedResults.Ok(standing) : TypedResults.NotFound();
    }
}

/// <summary>
/// The page the link in a statement of reasons opens: no account, no console, just the decision and a box to appeal it.
/// The link's signature is the credential (it names one action and its deadline), so the form carries it back.
/// </summary>
internal static class PublicAppealPage
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/appeal", async Task<ContentHttpResult> (string? action, long? expires, string? signature, SubmitAppeal submit, StatementOfReasons statements,
                Microsoft.Extensions.Options.IOptions<EnforcementOptions> options, TimeProvider time, CancellationToken cancellationToken) =>
            {
                if (!Guid.TryParseExact(action ?? "", "N", out var actionId) || expires is not { } until
                    || !AppealLinks.Verify(await statements.KeyAsync(cancellationToken), actionId, until, signature))
                {
                    return Page(HttpStatusCode.BadRequest, "This appeal link is not valid", "<p>Use the link in your statement of reasons exactly as it is.</p>");
                }

                if (time.GetUtcNow().ToUnixTimeSeconds() > until)
                {
                    return Page(HttpStatusCode.Gone, "The time to appeal has passed", "<p>This decision can no longer be appealed here.</p>");
                }

                Func<string?, string?> e = WebUtility.HtmlEncode;
                return Page(HttpStatusCode.OK, $"Appeal a decision of {e(options.Value.PlatformName)}",
                    $"""
                    <p>Reference <code>{e(actionId.ToString("N"))}</code>. Tell us why you think the decision is wrong; a person who took no part in it will review it.</p>
                    <form method="post" action="/appeal">
                      <input type="hidden" name="action" value="{e(action!)}">
                      <input type="hidden" name="expires" value="{until}">
                      <input type="hidden" name="signature" value="{e(signature!)}">
                      <label for="statement">Your appeal</label><br>
                      <textarea id="statement" name="statement" rows="8" cols="70" maxlength="{Appeal.StatementMaxLength}" required></textarea><br>
                      <button type="submit" id="submit-appeal">Submit appeal</button>
                    </form>
                    """);
            })
            .AllowAnonymous()
            .ExcludeFromDescription()
            .WithName("AppealPage");

        app.MapPost("/appeal", async Task<ContentHttpResult> ([FromForm] string? action, [FromForm] long? expires, [FromForm] string? signature, [FromForm] string? statement,
                SubmitAppeal submit, CancellationToken cancellationToken) =>
            {
                var result = await submit.ViaLinkAsync(action, expires, signature, statement, cancellationToken);
                return result switch
                {
                    SubmitAppeal.Submitted submitted => Page(HttpStatusCode.OK, "Your appeal was received",
                        $"<p id=\"appeal-received\">We will review it and write to you. Reference <code>{submitted.Appeal.Id:N}</code>.</p>"),
                    SubmitAppeal.Invalid => Page(HttpStatusCode.BadRequest, "Please write your appeal", "<p>The appeal text is required (at most 4,000 characters).</p>"),
                    SubmitAppeal.Gone => Page(HttpStatusCode.Gone, "The time to appeal has passed", "<p>This decision can no longer be appealed here.</p>"),
                    SubmitAppeal.Conflict conflict => Page(HttpStatusCode.Conflict, "This decision cannot be appealed now", $"<p>{WebUtility.HtmlEncode(conflict.Reason)}</p>"),
                    _ => Page(HttpStatusCode.BadRequest, "This appeal link is not valid", "<p>Use the link in your statement of reasons exactly as it is.</p>"),
                };
            })
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription()
            .WithName("SubmitAppealByLink");
    }

    private static ContentHttpResult Page(HttpStatusCode status, string title, string body) => TypedResults.Content(
        $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}textarea{width:100%}</style></head>
        <body><h1>{{title}}</h1>{{body}}</body></html>
        """, "text/html; charset=utf-8", statusCode: (int)status);
}

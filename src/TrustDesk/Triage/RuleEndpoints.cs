using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.Identity;
using TrustDesk.Triage.Classifier;

namespace TrustDesk.Triage;

public sealed record RuleStateRequest(RuleState? State);

public sealed record RuleHistory(RuleView Current, IReadOnlyList<RuleView> Versions);

public static class RuleEndpoints
{
    public static IServiceCollection AddRules(this IServiceCollection services) =>
        services.AddScoped<SaveRule>().AddScoped<BacktestRule>().AddScoped<ReadRuleStats>().AddScoped<ListRules>().AddScoped<ChangeRuleState>().AddTriageClassifier();

    public static IEndpointRouteBuilder MapRuleEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/rules").WithTags("Rules");

        api.MapGet("/", ListAsync)
            .RequirePermission(Permissions.RulesRead)
            .WithName("ListRules")
            .WithSummary("Every rule: from the rule packs and the API, with state, version and text");

        api.MapGet("/{name}", GetAsync)
            .RequirePermission(Permissions.RulesRead)
            .WithName("GetRule")
            .WithSummary("One rule with its version history");

        api.MapPost("/", CreateAsync)
            .RequirePermission(Permissions.RulesManage)
            .WithName("CreateRule")
            .WithSummary("Write a new rule (rule-pack syntax); a rule that does not compile is refused with line and column");

        api.MapPut("/{name}", EditAsync)
            .RequirePermission(Permissions.RulesManage)
            .WithName("EditRule")
            .WithSummary("Save a new version of a rule (a pack rule edited here is replaced by this version)");

        api.MapPost("/{name}/state", ChangeStateAsync)
            .RequirePermission(Permissions.RulesManage)
            .WithName("ChangeRuleState")
            .WithSummary("Move a rule between draft, shadow and active (a new version)");

        api.MapPost("/backtest", BacktestAsync)
            .RequirePermission(Permissions.RulesRead)
            .WithName("BacktestRule")
            .WithSummary("Run a rule (by name, or as text) over stored reports and events in a time range: hits and precision against agents' decisions");

        // The classifier beside the rules: its model and the Leads' evaluation of the desk.
        app.MapClassifierEndpoints();
        return app;
    }

    private static async Task<Ok<List<RuleView>>> ListAsync(ListRules rules, CancellationToken cancellationToken) =>
        TypedResults.Ok(await rules.HandleAsync(cancellationToken));

    private static async Task<Results<Ok<RuleHistory>, NotFound>> GetAsync(string name, ListRules rules, CancellationToken cancellationToken) =>
        await rules.HistoryAsync(name, cancellationToken) is { } history ? TypedResults.Ok(history) : TypedResults.NotFound();

    private static async Task<Results<Created<RuleView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        SaveRuleRequest request, ClaimsPrincipal user, SaveRule saveRule, CancellationToken cancellationToken) =>
        await saveRule.HandleAsync(null, request, user, cancellationToken) switch
        {
            SaveRule.Saved saved => TypedResults.Created($"/api/v1/rules/{Uri.EscapeDataString(saved.Rule.Name)}", saved.Rule),
            SaveRule.Invalid invalid => Refused(invalid),
            SaveRule.Conflict conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The rule exists.", detail: conflict.Message),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound),
        };

    private static async Task<Results<Ok<RuleView>, NotFound, ValidationProblem, ProblemHttpResult>> EditAsync(
        string name, SaveRuleRequest request, ClaimsPrincipal user, SaveRule saveRule, CancellationToken cancellationToken) =>
        await saveRule.HandleAsync(name, request, user, cancellationToken) switch
        {
            SaveRule.Saved saved => TypedResults.Ok(saved.Rule),
            SaveRule.Invalid invalid => Refused(invalid),
            SaveRule.Conflict conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The rule changed.", detail: conflict.Message),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<Ok<RuleView>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeStateAsync(
        string name, RuleStateRequest request, ClaimsPrincipal user, ChangeRuleState changeState, CancellationToken cancellationToken) =>
        await changeState.HandleAsync(name, request.State, user, cancellationToken) switch
        {
            SaveRule.Saved saved => TypedResults.Ok(saved.Rule),
            SaveRule.Invalid invalid => Refused(invalid),
            SaveRule.Conflict conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The rule changed.", detail: conflict.Message),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<Ok<BacktestResult>, NotFound, ValidationProblem>> BacktestAsync(
        BacktestRequest request, BacktestRule backtest, CancellationToken cancellationToken) =>
        await backtest.HandleAsync(request, cancellationToken) switch
        {
            BacktestRule.Done done => TypedResults.Ok(done.Backtest),
            BacktestRule.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => TypedResults.NotFound(),
        };

    private static ValidationProblem Refused(SaveRule.Invalid invalid) =>
        TypedResults.ValidationProblem(invalid.Errors, title: invalid.Errors.ContainsKey("text") ? "The rule does not compile." : null,
            extensions: invalid.Diagnostics.Count == 0 ? null : new Dictionary<string, object?> { ["diagnostics"] = invalid.Diagnostics });

    /// <summary>A pack rule written back out in pack syntax, so it can be edited and saved through the API.</summary>
    internal static string PackText(RuleDefinition definition)
    {
        var lines = new List<string> { $"- name: {definition.Name}" };
        if (definition.Description is { } description)
        {
            lines.Add($"  description: {description}");
        }

        lines.Add($"  state: {definition.State.ToString().ToLowerInvariant()}");
        lines.Add($"  on: [{string.Join(", ", definition.Triggers.Select(t => t.Trigger))}]");
        lines.Add($"  when: {string.Join(" ", definition.When.Text.Split('\n').Select(l => l.Trim()))}");
        lines.Add("  then:");
        lines.AddRange(definition.Then.Select(t => $"    - {string.Join(" ", t.Text.Split('\n').Select(l => l.Trim()))}"));
        return string.Join('\n', lines);
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.AgentConsole;
using TrustDesk.Api;
using TrustDesk.Cases;
using TrustDesk.Identity;

namespace TrustDesk.Shifts;

public static class ShiftEndpoints
{
    /// <summary>Shifts: teams, shift patterns, exceptions, availability, who is on, coverage, routing of queues.</summary>
    public static IServiceCollection AddShifts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ShiftOptions>().Bind(configuration.GetSection(ShiftOptions.Section));
        services.AddSingleton<RoutingSettingsCache>();
        services.AddSingleton<ICaseChangeObserver, RouteCases>();
        services.AddScoped<ManageTeams>();
        services.AddScoped<ManageShiftPatterns>();
        services.AddScoped<ManageScheduleExceptions>();
        services.AddScoped<SetAvailability>();
        services.AddScoped<ListOnShift>();
        services.AddScoped<LoadCoverage>();
        services.AddScoped<ConfigureRouting>();
        services.AddSingleton<ReturnUnansweredCases>();
        services.AddHeaderItem<ShiftsHeader>();
        if (configuration.GetValue("Shifts:ReturnEnabled", true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<ReturnUnansweredCases>());
        }

        return services;
    }

    public static IEndpointRouteBuilder MapShiftEndpoints(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/api/v1/teams").WithTags("Shifts").RequirePermission(Permissions.ShiftsRead);
        teams.MapGet("/", async (ManageTeams manage, CancellationToken cancellationToken) => TypedResults.Ok(await manage.ListAsync(cancellationToken)))
            .WithName("ListTeams").WithSummary("Teams with their lead, members, the queues they cover and their shifts");
        teams.MapGet("/{id:guid}", async Task<Results<Ok<TeamView>, NotFound>> (Guid id, ManageTeams manage, CancellationToken cancellationToken) =>
                await manage.GetAsync(id, cancellationToken) is { } team ? TypedResults.Ok(team) : TypedResults.NotFound())
            .WithName("GetTeam").WithSummary("One team");
        teams.MapPost("/", async Task<Results<Created<TeamView>, ValidationProblem>> (TeamRequest request, ClaimsPrincipal user, ManageTeams manage, CancellationToken cancellationToken) =>
                await manage.CreateAsync(request, user, cancellationToken) switch
                {
                    ManageTeams.Done done => TypedResults.Created($"/api/v1/teams/{done.Team.Id}", done.Team),
                    ManageTeams.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => throw new InvalidOperationException("Unexpected result."),
                })
            .RequirePermission(Permissions.ShiftsManage).WithName("CreateTeam").WithSummary("Create a team: name, lead, members, queues it covers (Leads)");
        teams.MapPut("/{id:guid}", async Task<Results<Ok<TeamView>, NotFound, ValidationProblem>> (Guid id, TeamRequest request, ClaimsPrincipal user, ManageTeams manage, CancellationToken cancellationToken) =>
                await manage.UpdateAsync(id, request, user, cancellationToken) switch
                {
                    ManageTeams.Done done => TypedResults.Ok(done.Team),
                    ManageTeams.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => TypedResults.NotFound(),
                })
            .RequirePermission(Permissions.ShiftsManage).WithName("UpdateTeam").WithSummary("Replace a team's name, lead, members and queues (Leads)");
        teams.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, ClaimsPrincipal user, ManageTeams manage, CancellationToken cancellationToken) =>
                await manage.DeleteAsync(id, user, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequirePermission(Permissions.ShiftsManage).WithName("DeleteTeam").WithSummary("Delete a team with its shifts (Leads)");
        teams.MapPost("/{id:guid}/shifts", async Task<Results<Created<ShiftView>, NotFound, ValidationProblem>> (Guid id, ShiftRequest request, ClaimsPrincipal user, ManageShiftPatterns manage, CancellationToken cancellationToken) =>
                await manage.AddAsync(id, request, user, cancellationToken) switch
                {
                    ManageShiftPatterns.Done done => TypedResults.Created($"/api/v1/shifts/{done.Shift.Id}", done.Shift),
                    ManageShiftPatterns.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => TypedResults.NotFound(),
                })
            .RequirePermission(Permissions.ShiftsManage).WithName("AddShift").WithSummary("Add a shift pattern to a team: days, local start and end, time zone (Leads)");

        var shifts = app.MapGroup("/api/v1/shifts").WithTags("Shifts").RequirePermission(Permissions.ShiftsRead);
        shifts.MapPut("/{id:guid}", async Task<Results<Ok<ShiftView>, NotFound, ValidationProblem>> (Guid id, ShiftRequest request, ClaimsPrincipal user, ManageShiftPatterns manage, CancellationToken cancellationToken) =>
                await manage.UpdateAsync(id, request, user, cancellationToken) switch
                {
                    ManageShiftPatterns.Done done => TypedResults.Ok(done.Shift),
                    ManageShiftPatterns.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => TypedResults.NotFound(),
                })
            .RequirePermission(Permissions.ShiftsManage).WithName("UpdateShift").WithSummary("Change a shift pattern (Leads)");
        shifts.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, ClaimsPrincipal user, ManageShiftPatterns manage, CancellationToken cancellationToken) =>
                await manage.DeleteAsync(id, user, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequirePermission(Permissions.ShiftsManage).WithName("DeleteShift").WithSummary("Delete a shift pattern (Leads)");
        shifts.MapGet("/exceptions", async Task<Results<Ok<IReadOnlyList<ScheduleExceptionView>>, ValidationProblem>> (DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal user, ManageScheduleExceptions manage, TimeProvider time, CancellationToken cancellationToken) =>
            {
                var start = from ?? time.GetUtcNow();
                var end = to ?? start.AddDays(31);
                if (end <= start || end - start > TimeSpan.FromDays(366))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["After from, at most a year later."] });
                }

                var list = await manage.ListAsync(start.UtcDateTime, end.UtcDateTime, cancellationToken);

                // Why someone is off ("dentist") is between them and their Lead; colleagues see only that they are.
                return TypedResults.Ok(user.Has(Permissions.ShiftsManage) ? list : (IReadOnlyList<ScheduleExceptionView>)[.. list.Select(e => e with { Note = null })]);
            })
            .WithName("ListScheduleExceptions").WithSummary("Time off, extra shifts and swaps overlapping a window (default: the next 31 days)");
        shifts.MapPost("/exceptions", async Task<Results<Created<ScheduleExceptionView>, ValidationProblem>> (ScheduleExceptionRequest request, ClaimsPrincipal user, ManageScheduleExceptions manage, CancellationToken cancellationToken) =>
                await manage.CreateAsync(request, user, cancellationToken) switch
                {
                    ManageScheduleExceptions.Done done => TypedResults.Created($"/api/v1/shifts/exceptions/{done.Exception.Id}", done.Exception),
                    ManageScheduleExceptions.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => throw new InvalidOperationException("Unexpected result."),
                })
            .RequirePermission(Permissions.ShiftsManage).WithName("CreateScheduleException").WithSummary("Record time off, an extra shift or a swap for an agent (Leads)");
        shifts.MapDelete("/exceptions/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, ClaimsPrincipal user, ManageScheduleExceptions manage, CancellationToken cancellationToken) =>
                await manage.DeleteAsync(id, user, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequirePermission(Permissions.ShiftsManage).WithName("DeleteScheduleException").WithSummary("Remove a schedule exception (Leads)");

        var me = app.MapGroup("/api/v1/me/availability").WithTags("Shifts").RequirePermission(Permissions.ShiftsRead);
        me.MapGet("/", async Task<Results<Ok<AvailabilityView>, ProblemHttpResult>> (ClaimsPrincipal user, SetAvailability set, CancellationToken cancellationToken) =>
                await set.GetAsync(user, cancellationToken) is { } view ? TypedResults.Ok(view) : NotAPerson())
            .WithName("GetMyAvailability").WithSummary("The caller's availability and whether they are on shift now");
        me.MapPut("/", async Task<Results<Ok<AvailabilityView>, ValidationProblem, ProblemHttpResult>> (AvailabilityRequest request, ClaimsPrincipal user, SetAvailability set, CancellationToken cancellationToken) =>
            {
                if (request.Status is not { } status)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["One of online, away, offline."] });
                }

                return await set.SetAsync(status, user, cancellationToken) is { } view ? TypedResults.Ok(view) : NotAPerson();
            })
            .WithName("SetMyAvailability").WithSummary("Say whether you are online, away or offline; only online agents on shift are routed cases");

        app.MapGet("/api/v1/agents/on-shift", async (ListOnShift list, CancellationToken cancellationToken) => TypedResults.Ok(await list.HandleAsync(cancellationToken)))
            .RequirePermission(Permissions.ShiftsRead).WithTags("Shifts")
            .WithName("ListAgentsOnShift").WithSummary("The agents on shift now, with their availability, teams, load and when their shift ends");

        app.MapGet("/api/v1/coverage", async Task<Results<Ok<CoverageView>, ValidationProblem>> (string? timeZone, int? days, LoadCoverage load, Microsoft.Extensions.Options.IOptions<ShiftOptions> options, CancellationToken cancellationToken) =>
            {
                var zone = timeZone ?? options.Value.CoverageTimeZone;
                var errors = new ValidationErrors();
                if (!ShiftRoster.IsZone(zone))
                {
                    errors.Add("timeZone", "A tzdb time zone such as America/Los_Angeles.");
                }

                if (days is < 1 or > LoadCoverage.MaxDays)
                {
                    errors.Add("days", $"From 1 to {LoadCoverage.MaxDays}.");
                }

                return errors.Any ? TypedResults.ValidationProblem(errors.ToDictionary()) : TypedResults.Ok(await load.HandleAsync(zone, days ?? 7, cancellationToken));
            })
            .RequirePermission(Permissions.ShiftsRead).WithTags("Shifts")
            .WithName("GetCoverage").WithSummary("Each queue's cover hour by hour for the next days (default 7), with the hours nobody covers (gap)");

        var routing = app.MapGroup("/api/v1/routing").WithTags("Routing").RequirePermission(Permissions.ShiftsRead);
        routing.MapGet("/queues", async (ConfigureRouting configure, CancellationToken cancellationToken) => TypedResults.Ok(await configure.ListQueuesAsync(cancellationToken)))
            .WithName("ListQueueRouting").WithSummary("How each queue hands out cases: pull_only, least_loaded or round_robin");
        routing.MapPut("/queues/{queue}", async Task<Results<Ok<QueueRoutingView>, NotFound, ValidationProblem>> (string queue, QueueRoutingRequest request, ClaimsPrincipal user, ConfigureRouting configure, CancellationToken cancellationToken) =>
                await configure.SetQueueAsync(queue, request, user, cancellationToken) switch
                {
                    ConfigureRouting.Done<QueueRoutingView> done => TypedResults.Ok(done.View),
                    ConfigureRouting.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => TypedResults.NotFound(),
                })
            .RequirePermission(Permissions.ShiftsManage).WithName("SetQueueRouting").WithSummary("Set a queue's routing mode, required language and unanswered timeout (Leads)");
        routing.MapGet("/agents", async (ConfigureRouting configure, CancellationToken cancellationToken) => TypedResults.Ok(await configure.ListAgentsAsync(cancellationToken)))
            .WithName("ListAgentSkills").WithSummary("Every agent's languages, category families and capacity");
        routing.MapPut("/agents/{userId:guid}", async Task<Results<Ok<AgentSkillsView>, NotFound, ValidationProblem>> (Guid userId, AgentSkillsRequest request, ClaimsPrincipal user, ConfigureRouting configure, CancellationToken cancellationToken) =>
                await configure.SetAgentAsync(userId, request, user, cancellationToken) switch
                {
                    ConfigureRouting.Done<AgentSkillsView> done => TypedResults.Ok(done.View),
                    ConfigureRouting.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => TypedResults.NotFound(),
                })
            .RequirePermission(Permissions.ShiftsManage).WithName("SetAgentSkills").WithSummary("Set an agent's languages, category families and capacity (Leads)");
        return app;
    }

    private static ProblemHttpResult NotAPerson() =>
        TypedResults.Problem("Availability belongs to a person; an API key has none.", statusCode: StatusCodes.Status400BadRequest, title: "Not a person");
}

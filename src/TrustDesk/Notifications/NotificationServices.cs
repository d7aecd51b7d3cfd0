using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.AgentConsole;
using TrustDesk.Cases;
using TrustDesk.Identity;

namespace TrustDesk.Notifications;

/// <summary>The in-app notification centre: made from case events, read through the API, the bell and /notifications.</summary>
public static class NotificationServices
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<ICaseChangeObserver, ProduceNotifications>();
        services.AddHeaderItem<NotificationBell>(order: 0);
        return services.AddScoped<ListNotifications>().AddScoped<MarkNotificationRead>();
    }

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        // Any signed-in person; the handlers refuse a session still owing MFA, and every row is the caller's own.
        var api = app.MapGroup("/api/v1/notifications").WithTags("Notifications").RequireAuthorization(Permissions.SignedInPolicy);

        api.MapGet("/", ListAsync)
            .WithName("ListNotifications")
            .WithSummary("The caller's own notifications, newest first, and how many are unread")
            .WithDescription("unread=true lists only unread ones; limit 1-200 (default 50). Only people have notifications: an API key is answered 403.");

        api.MapPost("/{id:guid}/read", MarkReadAsync)
            .WithName("MarkNotificationRead")
            .WithSummary("Mark one of the caller's notifications read; another person's answers 404");

        api.MapPost("/read", MarkAllReadAsync)
            .WithName("MarkAllNotificationsRead")
            .WithSummary("Mark all the caller's notifications read");
        return app;
    }

    /// <summary>A person past MFA (notifications are per user; a machine key has none).</summary>
    private static Guid? PersonOf(ClaimsPrincipal user) =>
        Permissions.UserIdOf(user) is { } id && Permissions.Of(user).Count > 0 ? id : null;

    private static ProblemHttpResult NotAPerson() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Notifications belong to people.", detail: "Sign in as a user (or use a personal access token).");

    private static async Task<Results<Ok<NotificationPage>, ValidationProblem, ProblemHttpResult>> ListAsync(
        bool? unread, int? limit, ClaimsPrincipal user, ListNotifications list, CancellationToken cancellationToken)
    {
        if (PersonOf(user) is not { } id)
        {
            return NotAPerson();
        }

        if (limit is < 1 or > ListNotifications.MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"From 1 to {ListNotifications.MaxLimit}."] });
        }

        return TypedResults.Ok(await list.HandleAsync(id, unread == true, limit ?? 50, cancellationToken));
    }

    private static async Task<Results<Ok<NotificationView>, NotFound, ProblemHttpResult>> MarkReadAsync(
        Guid id, ClaimsPrincipal user, MarkNotificationRead mark, CancellationToken cancellationToken)
    {
        if (PersonOf(user) is not { } userId)
        {
            return NotAPerson();
        }

        return await mark.HandleAsync(userId, id, cancellationToken) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkAllReadAsync(ClaimsPrincipal user, MarkNotificationRead mark, CancellationToken cancellationToken)
    {
        if (PersonOf(user) is not { } userId)
        {
            return NotAPerson();
        }

        await mark.AllAsync(userId, cancellationToken);
        return TypedResults.NoContent();
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.AgentConsole;

/// <summary>
/// A console circuit outlives the request that opened it, so its session is checked again every half minute: signing
/// out elsewhere, a disabled user or a timeout turns the open console anonymous, and the layout asks to sign in again.
/// </summary>
public sealed class ConsoleAuthenticationStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopes)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(30);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await SessionCheck.IsActiveAsync(scope.ServiceProvider, authenticationState.User, touch: false, cancellationToken);
    }

    /// <summary>Ends the circuit's sign-in at once, when an action found the session over.</summary>
    public void MarkSignedOut() =>
        SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
}

/// <summary>The same rules as <see cref="SessionAuthenticationHandler"/>, for a caller that is a circuit rather than a request.</summary>
public static class SessionCheck
{
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    /// <param name="touch">True for an action of the user: it counts as activity against the idle timeout.</param>
    public static async Task<bool> IsActiveAsync(IServiceProvider services, ClaimsPrincipal user, bool touch, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(user.FindFirstValue(Permissions.SessionClaim), out var sessionId))
        {
            return false;
        }

        var db = services.GetRequiredService<TrustDeskDb>();
        var settings = services.GetRequiredService<IOptions<IdentitySettings>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var session = await db.UserSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null || session.EndedAt is not null)
        {
            return false;
        }

        var disabled = await db.Users.AsNoTracking().Where(u => u.Id == session.UserId).Select(u => (bool?)u.IsDisabled).FirstOrDefaultAsync(cancellationToken) ?? true;
        var endReason = disabled ? "disabled"
            : now - session.CreatedAt >= settings.SessionAbsoluteTimeout ? "expired"
            : now - session.LastSeenAt >= settings.SessionIdleTimeout ? "idle"
            : null;
        if (endReason is not null)
        {
            await db.UserSessions.Where(s => s.Id == sessionId && s.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, endReason), cancellationToken);
            return false;
        }

        if (touch && now - session.LastSeenAt >= TouchEvery)
        {
            await db.UserSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), cancellationToken);
        }

        return true;
    }
}

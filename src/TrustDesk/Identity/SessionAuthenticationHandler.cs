using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Identity;

/// <summary>
/// The console's cookie session. The cookie holds a random id; the session itself is a row (<see cref="UserSession"/>)
/// checked on every request, so sign-out, a disabled user or a timeout ends it on the server at once.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TrustDeskDb db,
    IOptions<IdentitySettings> settings,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Session";
    public const string CookieName = "td_session";

    /// <summary>How often the last-seen time is written: the idle timeout is exact to within this.</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(secret))
        {
            return AuthenticateResult.NoResult();
        }

        if (secret.Length > 100)
        {
            return AuthenticateResult.Fail("Not a session.");
        }

        var hash = SecretHash.Of(secret);
        var session = await db.UserSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Hash == hash, Context.RequestAborted);
        if (session is null || session.EndedAt is not null)
        {
            return AuthenticateResult.Fail("The session has ended. Sign in again.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == session.UserId, Context.RequestAborted);
        var endReason = user is null || user.IsDisabled ? "disabled"
            : now - session.CreatedAt >= settings.Value.SessionAbsoluteTimeout ? "expired"
            : now - session.LastSeenAt >= settings.Value.SessionIdleTimeout ? "idle"
            : null;
        if (endReason is not null)
        {
            await db.UserSessions.Where(s => s.Id == session.Id && s.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, endReason), Context.RequestAborted);
            return AuthenticateResult.Fail("The session has ended. Sign in again.");
        }

        if (now - session.LastSeenAt >= TouchEvery)
        {
            await db.UserSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), Context.RequestAborted);
        }

        var principal = UserPrincipal.Create(user!, session.MfaSatisfied ? "done" : "enrolment_required", "session", SchemeName, session.Id);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AuthProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Authentication required.",
            "Sign in with POST /api/v1/auth/signin, or send Authorization: Bearer <api key or personal access token>.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Your role does not allow this.",
            Permissions.Of(Context.User).Count == 0 && Context.User.FindFirstValue(Permissions.MfaClaim) == "enrolment_required"
                ? "Your role must use two-factor authentication: enrol with POST /api/v1/auth/mfa/enrol first."
                : null);
}

/// <summary>Builds the principal of a signed-in person (console session or personal access token).</summary>
public static class UserPrincipal
{
    public static ClaimsPrincipal Create(TrustDeskUser user, string mfa, string method, string scheme, Guid? sessionId)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.Email ?? user.Id.ToString()),
            new(Caller.ClientIdClaim, user.Id.ToString()),
            new("actor_type", "user"),
            new(Permissions.RoleClaim, user.Role.ToString()),
            new(Permissions.MfaClaim, mfa),
            new(Permissions.AuthMethodClaim, method),
        };
        if (user.Department is not null)
        {
            claims.Add(new Claim(Permissions.DepartmentClaim, user.Department));
        }

        if (sessionId is { } id)
        {
            claims.Add(new Claim(Permissions.SessionClaim, id.ToString()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}

/// <summary>401 and 403 as problem documents, whichever scheme answers.</summary>
public static class AuthProblems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string? detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}

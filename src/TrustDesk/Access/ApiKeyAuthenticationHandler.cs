using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.Access;

/// <summary>
/// <c>Authorization: Bearer td_...</c>. The secret is hashed and looked up; a found key is kept in <see cref="ApiKeyCache"/>
/// so intake does not pay a query per request, and leaves it at once when revoked on any node.
/// <c>Bearer tdp_...</c> is a person's <see cref="PersonalAccessToken"/>: it acts as that person, and stops working at once
/// when the token is revoked or the person disabled.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TrustDeskDb db,
    ApiKeyCache cache,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("Use Authorization: Bearer <api key>.");
        }

        var secret = header["Bearer ".Length..].Trim();
        if (secret.StartsWith(PersonalAccessToken.SecretPrefix, StringComparison.Ordinal) && secret.Length <= 100)
        {
            return await AuthenticateTokenAsync(secret);
        }

        if (!secret.StartsWith(ApiKey.SecretPrefix, StringComparison.Ordinal) || secret.Length > 100)
        {
            return AuthenticateResult.Fail("Not a TrustDesk API key.");
        }

        var hash = SecretHash.Of(secret);
        if (!cache.TryGet(hash, out var key) || key is null)
        {
            var generation = cache.Generation;
            var stored = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash, Context.RequestAborted);
            if (stored is null || stored.RevokedAt is not null)
            {
                return AuthenticateResult.Fail("Unknown or revoked API key.");
            }

            key = new ApiKeyCache.CachedKey(stored.Id, stored.Name, [.. stored.Scopes]);
            cache.Store(hash, key, generation);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, key.Name),
            new(Caller.ClientIdClaim, key.Id.ToString()),
            new("actor_type", "api_key"),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(Scopes.ClaimType, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    // Not cached: a revoked token or a disabled person stops at the next request. Tokens serve scripts, not intake.
    private async Task<AuthenticateResult> AuthenticateTokenAsync(string secret)
    {
        var hash = SecretHash.Of(secret);
        var now = time.GetUtcNow().UtcDateTime;
        var token = await db.PersonalAccessTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Hash == hash, Context.RequestAborted);
        var user = token is null ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == token.UserId, Context.RequestAborted);
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now || user is null || user.IsDisabled)
        {
            return AuthenticateResult.Fail("Unknown, expired or revoked token.");
        }

        var principal = UserPrincipal.Create(user, "done", "token", SchemeName, null);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Authentication required.",
            "Send Authorization: Bearer <api key>. Create a key with `trustdesk apikey create`.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden,
            Context.User.FindFirstValue("actor_type") == "user" ? "Your role does not allow this." : "The API key lacks the scope this endpoint needs.", null);

    private Task WriteProblemAsync(int status, string title, string? detail)
    {
        Response.StatusCode = status;
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}

using TrustDesk.Api;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Identity;

public sealed record SignedInView(UserView User, bool MfaEnrolmentRequired, IReadOnlyList<string> Permissions);

public sealed record MeView(UserView User, string AuthenticatedBy, bool MfaEnrolmentRequired, IReadOnlyList<string> Permissions);

public sealed record EnrolmentView(string Secret, string OtpAuthUri);

/// <param name="Code">A current 6-digit code from the authenticator app.</param>
public sealed record ConfirmMfaRequest(string? Code);

public sealed record RecoveryCodesView(IReadOnlyList<string> RecoveryCodes);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <param name="Name">What the token is for, e.g. "queue export script".</param>
/// <param name="ExpiresInDays">1 to 365; 90 when absent.</param>
public sealed record CreateTokenRequest(string? Name, int? ExpiresInDays);

public sealed record TokenView(Guid Id, string Name, string DisplayPrefix, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt);

public sealed record CreatedTokenView(TokenView Token, string Secret);

public sealed record CreatedUserView(UserView User, string Password);

public sealed record PasswordResetView(UserView User, string Password);

public sealed record DepartmentView(string Code, string Title);

public static class IdentityEndpoints
{
    public static IServiceCollection AddIdentityAndAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IdentitySettings>(configuration.GetSection("TrustDesk:Identity"));
        services.AddHttpContextAccessor();
        services.AddIdentityCore<TrustDeskUser>(options =>
            {
                // NIST SP 800-63B: length and a blocklist (PasswordPolicy), no composition rules.
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                options.Password.RequiredLength = PasswordPolicy.MinLengthWithMfa;
                options.User.RequireUniqueEmail = true;
                options.User.AllowedUserNameCharacters = "";
            })
            .AddEntityFrameworkStores<TrustDeskDb>()
            .AddTokenProvider<AuthenticatorTokenProvider<TrustDeskUser>>(TokenOptions.DefaultAuthenticatorProvider)
            .AddPasswordValidator<PasswordPolicy>();
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<SignInRateLimiter>();
        services.Configure<StepUpSettings>(configuration.GetSection("TrustDesk:Identity")).AddSingleton<StepUpThrottle>();
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddScoped<SignIn>();
        services.AddScoped<CreateUser>();
        services.AddScoped<ManageAccount>();
        services.AddScoped<AdministerUsers>();
        return services;
    }

    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Sign-in");

        auth.MapPost("/signin", SignInAsync)
            .AllowAnonymous()
            .WithName("SignIn")
            .WithSummary("Sign in with email, password and (when the account uses MFA) a TOTP or recovery code; sets the session cookie")
            .WithDescription("Every refusal answers the same 401, whatever the reason. 401 with mfaRequired: true when the password was right and a code is needed. " +
                "Too many attempts from one address answer 429 with Retry-After.");

        auth.MapPost("/signout", async Task<NoContent> (ClaimsPrincipal user, HttpResponse response, ManageAccount account, CancellationToken cancellationToken) =>
            {
                await account.SignOutAsync(user, cancellationToken);
                response.Cookies.Delete(SessionAuthenticationHandler.CookieName);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Permissions.SignedInPolicy)
            .WithName("SignOut")
            .WithSummary("End the current session on the server");

        auth.MapGet("/me", async Task<Ok<MeView>> (ClaimsPrincipal user, TrustDeskDb db, CancellationToken cancellationToken) =>
            {
                var id = Permissions.UserIdOf(user)!.Value;
                var stored = await db.Users.AsNoTracking().FirstAsync(u => u.Id == id, cancellationToken);
                return TypedResults.Ok(new MeView(AdministerUsers.ToView(stored), user.FindFirstValue(Permissions.AuthMethodClaim) ?? "",
                    user.FindFirstValue(Permissions.MfaClaim) != "done", Permissions.Of(user).Order(StringComparer.Ordinal).ToList()));
            })
            .RequireAuthorization(Permissions.SignedInPolicy)
            .WithName("GetMe")
            .WithSummary("The signed-in user, how they signed in, and their permissions");

        auth.MapPost("/password", async Task<Results<NoContent, ValidationProblem>> (
                ChangePasswordRequest request, ClaimsPrincipal user, ManageAccount account, CancellationToken cancellationToken) =>
                await account.ChangePasswordAsync(user, request.CurrentPassword, request.NewPassword, cancellationToken) is { } errors
                    ? TypedResults.ValidationProblem(errors)
                    : TypedResults.NoContent())
            .RequireAuthorization(Permissions.ConsoleSessionPolicy)
            .WithName("ChangePassword")
            .WithSummary("Change your password; your other sessions end");

        auth.MapPost("/mfa/enrol", async Task<Results<Ok<EnrolmentView>, ProblemHttpResult>> (ClaimsPrincipal user, ManageAccount account) =>
                await account.StartEnrolmentAsync(user) is { } enrolment
                    ? TypedResults.Ok(new EnrolmentView(enrolment.Secret, enrolment.OtpAuthUri))
                    : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "MFA is already on.",
                        detail: "Regenerate recovery codes with POST /api/v1/auth/mfa/recovery-codes, or ask an admin to reset MFA."))
            .RequireAuthorization(Permissions.ConsoleSessionPolicy)
            .WithName("StartMfaEnrolment")
            .WithSummary("A new authenticator secret (and otpauth:// URI for a QR code); confirm it with a code to turn MFA on");

        auth.MapPost("/mfa/confirm", async Task<Results<Ok<RecoveryCodesView>, ValidationProblem>> (
                ConfirmMfaRequest request, ClaimsPrincipal user, ManageAccount account, CancellationToken cancellationToken) =>
                await account.ConfirmEnrolmentAsync(user, request.Code, cancellationToken) is { } confirmed
                    ? TypedResults.Ok(new RecoveryCodesView(confirmed.RecoveryCodes))
                    : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = ["Wrong or expired code, or no enrolment started."] }))
            .RequireAuthorization(Permissions.ConsoleSessionPolicy)
            .WithName("ConfirmMfaEnrolment")
            .WithSummary("Turn MFA on with a first code; returns ten one-time recovery codes, shown once");

        auth.MapPost("/mfa/recovery-codes", async Task<Results<Ok<RecoveryCodesView>, ProblemHttpResult>> (ClaimsPrincipal user, ManageAccount account) =>
                await account.RegenerateRecoveryCodesAsync(user) is { } codes
                    ? TypedResults.Ok(new RecoveryCodesView(codes))
                    : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "MFA is not on."))
            .RequireAuthorization(Permissions.ConsoleSessionPolicy)
            .WithName("RegenerateRecoveryCodes")
            .WithSummary("Ten new recovery codes; the old ones stop working");

        var tokens = auth.MapGroup("/tokens");
        tokens.MapPost("/", async Task<Results<Created<CreatedTokenView>, ValidationProblem>> (
                CreateTokenRequest request, ClaimsPrincipal user, ManageAccount account, CancellationToken cancellationToken) =>
            {
                var (token, secret, errors) = await account.CreateTokenAsync(user, request.Name, request.ExpiresInDays, cancellationToken);
                return errors is not null
                    ? TypedResults.ValidationProblem(errors)
                    : TypedResults.Created($"/api/v1/auth/tokens/{token!.Id}", new CreatedTokenView(ToView(token), secret!));
            })
            .RequireAuthorization(Permissions.Policy(Permissions.TokensManage))
            .WithName("CreatePersonalAccessToken")
            .WithSummary("A token for scripting the API as yourself (Authorization: Bearer tdp_...); the secret is shown once");

        tokens.MapGet("/", async Task<Ok<List<TokenView>>> (ClaimsPrincipal user, TrustDeskDb db, CancellationToken cancellationToken) =>
            {
                var id = Permissions.UserIdOf(user);
                var list = await db.PersonalAccessTokens.AsNoTracking().Where(t => t.UserId == id).OrderByDescending(t => t.CreatedAt).ToListAsync(cancellationToken);
                return TypedResults.Ok(list.Select(ToView).ToList());
            })
            .RequireAuthorization(Permissions.Policy(Permissions.TokensManage))
            .WithName("ListPersonalAccessTokens")
            .WithSummary("Your personal access tokens");

        tokens.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, ClaimsPrincipal user, ManageAccount account, CancellationToken cancellationToken) =>
                await account.RevokeTokenAsync(user, id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequireAuthorization(Permissions.Policy(Permissions.TokensManage))
            .WithName("RevokePersonalAccessToken")
            .WithSummary("Revoke one of your tokens");

        app.MapGet("/api/v1/departments", () => TypedResults.Ok(Departments.All.Select(d => new DepartmentView(d.Key, d.Value)).ToList()))
            .RequirePermission(Permissions.TaxonomyRead)
            .WithTags("Taxonomy")
            .WithName("ListDepartments")
            .WithSummary("The departments cases can be escalated to and department members belong to");

        var users = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(Permissions.Policy(Permissions.UsersManage));
        users.MapGet("/", async Task<Ok<List<UserView>>> (AdministerUsers admin, CancellationToken cancellationToken) =>
                TypedResults.Ok(await admin.ListAsync(cancellationToken)))
            .WithName("ListUsers")
            .WithSummary("Everyone who can sign in");

        users.MapPost("/", async Task<Results<Created<CreatedUserView>, ValidationProblem>> (
                CreateUserRequest request, ClaimsPrincipal user, CreateUser createUser, TrustDeskDb db, TimeProvider time, CancellationToken cancellationToken) =>
                await createUser.HandleAsync(request, null, enrolMfa: false,
                        AuditRecords.By(user, time.GetUtcNow().UtcDateTime, "", null, null, null, db.RequestIp), cancellationToken) switch
                {
                    CreateUser.Created created => TypedResults.Created($"/api/v1/users/{created.User.Id}",
                        new CreatedUserView(AdministerUsers.ToView(created.User), created.Password)),
                    CreateUser.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => throw new InvalidOperationException("Unexpected result."),
                })
            .WithName("CreateUser")
            .WithSummary("Add a user with a generated password, shown once; a Lead or Admin enrols in MFA at first sign-in");

        users.MapPatch("/{id:guid}", async Task<Results<Ok<UserView>, NotFound, ValidationProblem>> (
                Guid id, UpdateUserRequest request, ClaimsPrincipal user, AdministerUsers admin, CancellationToken cancellationToken) =>
                ToResult(await admin.UpdateAsync(user, id, request, cancellationToken)))
            .WithName("UpdateUser")
            .WithSummary("Change role, department or name, or disable the user (which ends their sessions at once)");

        users.MapPost("/{id:guid}/mfa/reset", async Task<Results<Ok<UserView>, NotFound, ValidationProblem>> (
                Guid id, ClaimsPrincipal user, AdministerUsers admin, CancellationToken cancellationToken) =>
                ToResult(await admin.ResetMfaAsync(user, id, cancellationToken)))
            .WithName("ResetUserMfa")
            .WithSummary("Turn a user's MFA off (lost phone); they enrol again at next sign-in");

        users.MapPost("/{id:guid}/password/reset", async Task<Results<Ok<PasswordResetView>, NotFound>> (
                Guid id, ClaimsPrincipal user, AdministerUsers admin, CancellationToken cancellationToken) =>
                await admin.ResetPasswordAsync(user, id, cancellationToken) is AdministerUsers.Done { NewPassword: { } password } done
                    ? TypedResults.Ok(new PasswordResetView(done.User, password))
                    : TypedResults.NotFound())
            .WithName("ResetUserPassword")
            .WithSummary("Give a user a new generated password, shown once; their sessions end");

        return app;
    }

    private static Results<Ok<UserView>, NotFound, ValidationProblem> ToResult(AdministerUsers.Result result) => result switch
    {
        AdministerUsers.Done done => TypedResults.Ok(done.User),
        AdministerUsers.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
        _ => TypedResults.NotFound(),
    };

    private static TokenView ToView(PersonalAccessToken t) => new(t.Id, t.Name, t.DisplayPrefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt);

    private static async Task<Results<Ok<SignedInView>, ValidationProblem, ProblemHttpResult>> SignInAsync(
        SignInRequest request, HttpContext http, SignIn signIn, ManageAccount account, CancellationToken cancellationToken)
    {
        var ip = http.Connection.RemoteIpAddress?.ToString();
        var result = await signIn.HandleAsync(request, ip, cancellationToken);
        switch (result)
        {
            case SignIn.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors);
            case SignIn.RateLimited limited:
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts.",
                    detail: "Wait for the time in Retry-After, then try again.");
            case SignIn.CodeRequired:
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A code from your authenticator app is needed.",
                    detail: "Send the same request with totp (or recoveryCode).", extensions: new Dictionary<string, object?> { ["mfaRequired"] = true });
            case SignIn.Succeeded succeeded:
                if (http.User.Identity?.IsAuthenticated == true)
                {
                    // Whatever session this browser had ends: a sign-in always starts a new one.
                    await account.SignOutAsync(http.User, cancellationToken);
                }

                http.Response.Cookies.Append(SessionAuthenticationHandler.CookieName, succeeded.Secret, new CookieOptions
                {
                    HttpOnly = true,
                    Secure = http.Request.IsHttps,
                    SameSite = SameSiteMode.Strict,
                    Path = "/",
                    IsEssential = true,
                });
                var principal = UserPrincipal.Create(succeeded.User, succeeded.Session.MfaSatisfied ? "done" : "enrolment_required", "session",
                    SessionAuthenticationHandler.SchemeName, succeeded.Session.Id);
                return TypedResults.Ok(new SignedInView(AdministerUsers.ToView(succeeded.User), !succeeded.Session.MfaSatisfied,
                    Permissions.Of(principal).Order(StringComparer.Ordinal).ToList()));
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed.",
                    detail: "The email, password or code is wrong, or the account cannot sign in now.");
        }
    }
}

/// <summary>A permission an endpoint needs; <see cref="PermissionHandler"/> grants it from the caller's role or scopes.</summary>
public sealed class PermissionRequirement(string permission) : IAuthorizationRequirement
{
    public string Permission { get; } = permission;
}

public sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.Has(requirement.Permission))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

public static class PermissionPolicies
{
    public static AuthorizationBuilder AddPermissionPolicies(this AuthorizationBuilder builder)
    {
        foreach (var permission in Permissions.All)
        {
            builder.AddPolicy(Permissions.Policy(permission), policy => policy.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
        }

        return builder
            .AddPolicy(Permissions.SignedInPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim("actor_type", "user"))
            .AddPolicy(Permissions.ConsoleSessionPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim("actor_type", "user")
                .RequireClaim(Permissions.AuthMethodClaim, "session"));
    }

    /// <summary>The endpoint needs <paramref name="permission"/>: the one way endpoints declare what they need.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Permissions.Policy(permission));
}

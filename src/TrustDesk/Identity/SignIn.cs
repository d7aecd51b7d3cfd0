using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.Identity;

/// <param name="Email">The account's email address.</param>
/// <param name="Password">The password.</param>
/// <param name="Totp">The 6-digit code of the authenticator app, when the account uses MFA.</param>
/// <param name="RecoveryCode">One of the recovery codes, instead of <paramref name="Totp"/>.</param>
public sealed record SignInRequest(string? Email, string? Password, string? Totp, string? RecoveryCode);

/// <summary>
/// Checks a password (and TOTP or recovery code) and starts a server-side session. Every refusal that could tell an
/// attacker something (unknown email, wrong password, locked or disabled account, wrong code) gets the same answer,
/// and an unknown email costs the same hashing time as a known one.
/// </summary>
public sealed class SignIn(
    TrustDeskDb db,
    UserManager<TrustDeskUser> users,
    IOptions<IdentitySettings> settings,
    SignInRateLimiter limiter,
    TimeProvider time)
{
    // A hash of a random password, verified against when the email is unknown so the answer takes as long.
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<TrustDeskUser>().HashPassword(new TrustDeskUser(), Guid.NewGuid().ToString()));

    public abstract record Result;
    public sealed record Succeeded(TrustDeskUser User, UserSession Session, string Secret) : Result;
    public sealed record Refused : Result;
    public sealed record CodeRequired : Result;
    public sealed record RateLimited(TimeSpan RetryAfter) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(SignInRequest request, string? ip, CancellationToken cancellationToken)
    {
        var errors = new Api.ValidationErrors();
        errors.Required("email", request.Email, 320);
        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add("password", "Required.");
        }
        else if (request.Password.Length > 1_024)
        {
            errors.Add("password", "At most 1024 characters.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        if (!limiter.TryAcquire(ip, out var retryAfter))
        {
            return new RateLimited(retryAfter);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var user = await users.FindByEmailAsync(request.Email!.Trim());
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(new TrustDeskUser(), DummyHash.Value, request.Password!);
            return await RefuseAsync(null, "unknown account", ip, now, cancellationToken);
        }

        var passwordOk = user.PasswordHash is not null
            && users.PasswordHasher.VerifyHashedPassword(user, user.PasswordHash, request.Password!) != PasswordVerificationResult.Failed;
        if (user.LockoutEnd is { } lockedUntil && lockedUntil.UtcDateTime > now)
        {
            return await RefuseAsync(user, "account locked", ip, now, cancellationToken);
        }

        if (user.IsDisabled)
        {
            return await RefuseAsync(user, "account disabled", ip, now, cancellationToken);
        }

        if (!passwordOk)
        {
            return await FailAttemptAsync(user, "wrong password", ip, now, cancellationToken);
        }

        var method = "password";
        if (user.TwoFactorEnabled)
        {
            if (!string.IsNullOrWhiteSpace(request.RecoveryCode))
            {
                if (!(await users.RedeemTwoFactorRecoveryCodeAsync(user, request.RecoveryCode.Replace(" ", "", StringComparison.Ordinal).Trim())).Succeeded)
                {
                    return await FailAttemptAsync(user, "wrong recovery code", ip, now, cancellationToken);
                }

                method = "password+recovery_code";
            }
            else if (string.IsNullOrWhiteSpace(request.Totp))
            {
                return new CodeRequired();
            }
            else
            {
                var key = await users.GetAuthenticatorKeyAsync(user);
                if (key is null || !Totp.TryVerify(key, request.Totp, now, user.LastTotpStep, out var step))
                {
                    return await FailAttemptAsync(user, "wrong code", ip, now, cancellationToken);
                }

                user.LastTotpStep = step;
                method = "password+totp";
            }
        }

        var mfaSatisfied = user.TwoFactorEnabled || !settings.Value.MfaRequiredFor(user.Role);
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        var (session, secret) = UserSession.Start(user.Id, mfaSatisfied, ip, now);
        db.UserSessions.Add(session);
        db.Audit(new AuditRecord(now, "user", user.Id.ToString(), user.Email ?? "", "signin.succeeded", "user", user.Id.ToString(),
            mfaSatisfied ? method : method + "; must enrol in MFA before anything else", ip));
        await db.SaveChangesAsync(cancellationToken);
        return new Succeeded(user, session, secret);
    }

    private async Task<Result> FailAttemptAsync(TrustDeskUser user, string reason, string? ip, DateTime now, CancellationToken cancellationToken)
    {
        user.AccessFailedCount++;
        if (user.AccessFailedCount >= settings.Value.LockoutThreshold)
        {
            user.AccessFailedCount = 0;
            user.LockoutEnd = new DateTimeOffset(now + settings.Value.LockoutDuration, TimeSpan.Zero);
            db.Audit(new AuditRecord(now, "system", "trustdesk", "TrustDesk", "account.locked", "user", user.Id.ToString(),
                $"{settings.Value.LockoutThreshold} failed sign-ins in a row; locked until {user.LockoutEnd:O}", ip));
        }

        return await RefuseAsync(user, reason, ip, now, cancellationToken);
    }

    private async Task<Result> RefuseAsync(TrustDeskUser? user, string reason, string? ip, DateTime now, CancellationToken cancellationToken)
    {
        // The email someone typed is not recorded: it may be anybody's address, or a password typed in the wrong box.
        db.Audit(user is null
            ? new AuditRecord(now, "anonymous", "", "", "signin.failed", null, null, reason, ip)
            : new AuditRecord(now, "user", user.Id.ToString(), user.Email ?? "", "signin.failed", "user", user.Id.ToString(), reason, ip));
        await db.SaveChangesAsync(cancellationToken);
        return new Refused();
    }
}

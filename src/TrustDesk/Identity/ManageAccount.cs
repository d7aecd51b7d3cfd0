using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Identity;

/// <summary>What a signed-in person does to their own account: MFA enrolment, recovery codes, password, tokens, sign-out.</summary>
public sealed class ManageAccount(
    TrustDeskDb db, UserManager<TrustDeskUser> users, PasswordPolicy policy, IOptions<IdentitySettings> settings, StepUpThrottle throttle, TimeProvider time)
{
    public sealed record Enrolment(string Secret, string OtpAuthUri);

    public sealed record Confirmed(IReadOnlyList<string> RecoveryCodes);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private AuditRecord Record(ClaimsPrincipal caller, string action, string? detail = null) =>
        AuditRecords.By(caller, Now, action, "user", caller.FindFirstValue(Caller.ClientIdClaim), detail, db.RequestIp);

    private async Task<TrustDeskUser> UserAsync(ClaimsPrincipal caller) =>
        await users.FindByIdAsync(caller.FindFirstValue(Caller.ClientIdClaim)!) ?? throw new InvalidOperationException("The signed-in user is gone.");

    /// <summary>A new authenticator secret; MFA is on only once a code from it is confirmed. Null when already enrolled.</summary>
    public async Task<Enrolment?> StartEnrolmentAsync(ClaimsPrincipal caller)
    {
        var user = await UserAsync(caller);
        if (user.TwoFactorEnabled)
        {
            return null;
        }

        db.Audit(Record(caller, "mfa.enrolment_started"));
        await users.ResetAuthenticatorKeyAsync(user);
        var secret = (await users.GetAuthenticatorKeyAsync(user))!;
        return new Enrolment(secret, Totp.EnrolmentUri(secret, user.Email!));
    }

    /// <summary>Turns MFA on with a first code; the current session is then complete. Null when the code is wrong.</summary>
    public async Task<Confirmed?> ConfirmEnrolmentAsync(ClaimsPrincipal caller, string? code, CancellationToken cancellationToken)
    {
        throttle.Acquire(StepUp.Credential, caller, db.RequestIp);
        var user = await UserAsync(caller);
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (user.TwoFactorEnabled || key is null || !Totp.TryVerify(key, code, Now, user.LastTotpStep, out var step))
        {
            db.Audit(Record(caller, "mfa.enrolment_failed"));
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }

        user.LastTotpStep = step;
        db.Audit(Record(caller, "mfa.enabled"));
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        if (Guid.TryParse(caller.FindFirstValue(Permissions.SessionClaim), out var sessionId))
        {
            await db.UserSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.MfaSatisfied, true), cancellationToken);
        }

        return new Confirmed(codes);
    }

    public async Task<IReadOnlyList<string>?> RegenerateRecoveryCodesAsync(ClaimsPrincipal caller)
    {
        var user = await UserAsync(caller);
        if (!user.TwoFactorEnabled)
        {
            return null;
        }

        db.Audit(Record(caller, "mfa.recovery_codes_regenerated"));
        return (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
    }

    /// <summary>Changes the caller's password; other sessions of the user end.</summary>
    public async Task<Dictionary<string, string[]>?> ChangePasswordAsync(ClaimsPrincipal caller, string? current, string? next, CancellationToken cancellationToken)
    {
        var user = await UserAsync(caller);
        if (user.LockoutEnd is { } lockedUntil && lockedUntil.UtcDateTime > Now)
        {
            throw new StepUpThrottledException(lockedUntil.UtcDateTime - Now,
                "The account is locked after too many wrong passwords. Wait for the time in Retry-After, then try again.");
        }

        throttle.Acquire(StepUp.Credential, caller, db.RequestIp);
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(current) || user.PasswordHash is null
            || users.PasswordHasher.VerifyHashedPassword(user, user.PasswordHash, current) == PasswordVerificationResult.Failed)
        {
            await WrongPasswordAsync(caller, user, cancellationToken);
            errors.Add("currentPassword", "Wrong password.");
        }

        foreach (var problem in policy.Check(next, user.Email, user.Role, user.TwoFactorEnabled))
        {
            errors.Add("newPassword", problem);
        }

        if (errors.Any)
        {
            return errors.ToDictionary();
        }

        db.Audit(Record(caller, "password.changed"));
        user.PasswordHash = users.PasswordHasher.HashPassword(user, next!);
        await users.UpdateSecurityStampAsync(user);
        var sessionId = Guid.TryParse(caller.FindFirstValue(Permissions.SessionClaim), out var id) ? id : Guid.Empty;
        var now = Now;
        await db.UserSessions.Where(s => s.UserId == user.Id && s.EndedAt == null && s.Id != sessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, "password_changed"), cancellationToken);
        return null;
    }

    // A wrong current password counts towards the same lock-out as a wrong sign-in: guessing through a stolen session
    // is no cheaper than guessing at the sign-in form.
    private async Task WrongPasswordAsync(ClaimsPrincipal caller, TrustDeskUser user, CancellationToken cancellationToken)
    {
        db.Audit(Record(caller, "password.change_failed", "wrong current password"));
        user.AccessFailedCount++;
        if (user.AccessFailedCount >= settings.Value.LockoutThreshold)
        {
            user.AccessFailedCount = 0;
            user.LockoutEnd = new DateTimeOffset(Now + settings.Value.LockoutDuration, TimeSpan.Zero);
            db.Audit(Record(caller, "account.locked", $"{settings.Value.LockoutThreshold} wrong passwords in a row; locked until {user.LockoutEnd:O}"));
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task SignOutAsync(ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(caller.FindFirstValue(Permissions.SessionClaim), out var sessionId))
        {
            return;
        }

        var now = Now;
        await db.UserSessions.Where(s => s.Id == sessionId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, "signed_out"), cancellationToken);
        db.Audit(Record(caller, "signout"));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<(PersonalAccessToken? Token, string? Secret, Dictionary<string, string[]>? Errors)> CreateTokenAsync(
        ClaimsPrincipal caller, string? name, int? expiresInDays, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Required("name", name, PersonalAccessToken.NameMaxLength);
        var days = expiresInDays ?? 90;
        if (days < 1 || days > settings.Value.TokenMaxDays)
        {
            errors.Add("expiresInDays", $"Between 1 and {settings.Value.TokenMaxDays}.");
        }

        if (errors.Any)
        {
            return (null, null, errors.ToDictionary());
        }

        var now = Now;
        var (token, secret) = PersonalAccessToken.Create(Permissions.UserIdOf(caller)!.Value, name!.Trim(), now.AddDays(days), now);
        db.PersonalAccessTokens.Add(token);
        db.Audit(AuditRecords.By(caller, now, "token.created", "token", token.Id.ToString(), $"{token.Name}, expires {token.ExpiresAt:O}", db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return (token, secret, null);
    }

    public async Task<bool> RevokeTokenAsync(ClaimsPrincipal caller, Guid id, CancellationToken cancellationToken)
    {
        var userId = Permissions.UserIdOf(caller);
        var token = await db.PersonalAccessTokens.FirstOrDefaultAsync(t => t.Id == id && t.UserId == userId, cancellationToken);
        if (token is null)
        {
            return false;
        }

        token.Revoke(Now);
        db.Audit(AuditRecords.By(caller, Now, "token.revoked", "token", token.Id.ToString(), token.Name, db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}

using TrustDesk.Api;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Identity;

/// <summary>A user as admins see it.</summary>
public sealed record UserView(Guid Id, string Email, string DisplayName, UserRole Role, string? Department, bool MfaEnabled, bool Disabled,
    DateTime CreatedAt, DateTimeOffset? LockedUntil);

/// <summary>Changes to a user; absent fields stay. <c>disabled: true</c> ends all of the user's sessions at once.</summary>
public sealed record UpdateUserRequest(UserRole? Role, string? Department, string? DisplayName, bool? Disabled);

/// <summary>What admins do to users: change role or department, disable, reset MFA or password.</summary>
public sealed class AdministerUsers(TrustDeskDb db, UserManager<TrustDeskUser> users, TimeProvider time)
{
    public abstract record Result;
    public sealed record Done(UserView User, string? NewPassword) : Result;
    public sealed record NotFound : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public static UserView ToView(TrustDeskUser u) =>
        new(u.Id, u.Email ?? "", u.DisplayName, u.Role, u.Department, u.TwoFactorEnabled, u.IsDisabled, u.CreatedAt, u.LockoutEnd);

    public async Task<List<UserView>> ListAsync(CancellationToken cancellationToken) =>
        (await db.Users.AsNoTracking().OrderBy(u => u.Email).Take(1_000).ToListAsync(cancellationToken)).Select(ToView).ToList();

    public async Task<Result> UpdateAsync(ClaimsPrincipal caller, Guid id, UpdateUserRequest request, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return new NotFound();
        }

        var role = request.Role ?? user.Role;
        var department = role == UserRole.DepartmentMember ? request.Department ?? user.Department : request.Department;
        var errors = CreateUser.Validate(user.Email, role, department, request.DisplayName);
        if (Permissions.UserIdOf(caller) == id && (request.Disabled == true || (request.Role is { } r && r != user.Role)))
        {
            errors.Add(request.Disabled == true ? "disabled" : "role", "Admins cannot disable themselves or change their own role.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        AuditRecord Record(string action, string? detail) => AuditRecords.By(caller, now, action, "user", id.ToString(), detail, db.RequestIp);
        var endSessions = (string?)null;
        if (role != user.Role || department != user.Department)
        {
            db.Audit(Record("user.role_changed", $"from {user.Role}{(user.Department is null ? "" : " of " + user.Department)} to {role}{(department is null ? "" : " of " + department)}"));
            user.Role = role;
            user.Department = department;
            endSessions = "role_changed";
        }

        if (request.DisplayName is { } name && name.Trim() != user.DisplayName)
        {
            user.DisplayName = name.Trim();
            db.Audit(Record("user.renamed", null));
        }

        if (request.Disabled is { } disabled && disabled != user.IsDisabled)
        {
            user.DisabledAt = disabled ? now : null;
            db.Audit(Record(disabled ? "user.disabled" : "user.enabled", null));
            endSessions = disabled ? "disabled" : endSessions;
        }

        user.SecurityStamp = Guid.NewGuid().ToString("N");
        await db.SaveChangesAsync(cancellationToken);
        if (endSessions is not null)
        {
            // A new role may need MFA the sessions did not check: everyone signs in again.
            await EndSessionsAsync(id, endSessions, now, cancellationToken);
        }

        return new Done(ToView(user), null);
    }

    /// <summary>For a lost phone: MFA off and the secret gone; the user enrols again at next sign-in.</summary>
    public async Task<Result> ResetMfaAsync(ClaimsPrincipal caller, Guid id, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return new NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        db.Audit(AuditRecords.By(caller, now, "mfa.reset", "user", id.ToString(), null, db.RequestIp));
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey");
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "RecoveryCodes");
        await EndSessionsAsync(id, "mfa_reset", now, cancellationToken);
        await RevokeTokensAsync(id, now, cancellationToken);
        return new Done(ToView(user), null);
    }

    /// <summary>A new generated password, shown once; the user's sessions end.</summary>
    public async Task<Result> ResetPasswordAsync(ClaimsPrincipal caller, Guid id, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return new NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var password = CreateUser.GeneratePassword();
        db.Audit(AuditRecords.By(caller, now, "password.reset", "user", id.ToString(), null, db.RequestIp));
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        await users.UpdateSecurityStampAsync(user);
        await EndSessionsAsync(id, "password_reset", now, cancellationToken);
        await RevokeTokensAsync(id, now, cancellationToken);
        return new Done(ToView(user), password);
    }

    // After a reset the account may be in someone else's hands: its script tokens go too.
    private Task<int> RevokeTokensAsync(Guid userId, DateTime now, CancellationToken cancellationToken) =>
        db.PersonalAccessTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.RevokedAt, now), cancellationToken);

    private Task<int> EndSessionsAsync(Guid userId, string reason, DateTime now, CancellationToken cancellationToken) =>
        db.UserSessions.Where(s => s.UserId == userId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, reason), cancellationToken);
}

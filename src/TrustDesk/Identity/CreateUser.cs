using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Identity;

/// <param name="Email">Sign-in name and contact address.</param>
/// <param name="Role">agent, specialist, lead, admin, department_member or auditor.</param>
/// <param name="Department">Required for department_member: a department code.</param>
/// <param name="DisplayName">How colleagues see the user.</param>
public sealed record CreateUserRequest(string? Email, UserRole? Role, string? Department, string? DisplayName);

/// <summary>
/// Creates a user with a generated password (or one given by the CLI). With <c>enrolMfa</c> the TOTP secret and
/// recovery codes are made at once and returned, for the CLI's first admin and the demo; otherwise a user whose role
/// needs MFA enrols at first sign-in.
/// </summary>
public sealed class CreateUser(TrustDeskDb db, UserManager<TrustDeskUser> users, PasswordPolicy policy, IOptions<IdentitySettings> settings, TimeProvider time)
{
    public abstract record Result;
    public sealed record Created(TrustDeskUser User, string Password, string? TotpSecret, IReadOnlyList<string> RecoveryCodes) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(CreateUserRequest request, string? password, bool enrolMfa, AuditRecord actor, CancellationToken cancellationToken)
    {
        var errors = Validate(request.Email, request.Role, request.Department, request.DisplayName);
        var role = request.Role ?? UserRole.Agent;
        enrolMfa &= settings.Value.MfaRequiredFor(role);
        var email = request.Email?.Trim() ?? "";
        if (password is not null)
        {
            foreach (var problem in policy.Check(password, email, role, enrolMfa))
            {
                errors.Add("password", problem);
            }
        }

        if (!errors.Any && await users.FindByEmailAsync(email) is not null)
        {
            errors.Add("email", "A user with this email exists.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        password ??= GeneratePassword();
        var now = time.GetUtcNow().UtcDateTime;
        var user = new TrustDeskUser
        {
            Id = Guid.CreateVersion7(now),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? email.Split('@')[0] : request.DisplayName.Trim(),
            Role = role,
            Department = role == UserRole.DepartmentMember ? request.Department : null,
            CreatedAt = now,
            TwoFactorEnabled = enrolMfa,
            LockoutEnabled = true,
        };
        db.Audit(actor with
        {
            Action = "user.created",
            TargetType = "user",
            TargetId = user.Id.ToString(),
            Detail = $"role {role}{(user.Department is null ? "" : " of " + user.Department)}"
        });
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return new Invalid(new Dictionary<string, string[]> { ["email"] = created.Errors.Select(e => e.Description).ToArray() });
        }

        if (!enrolMfa)
        {
            return new Created(user, password, null, []);
        }

        await users.ResetAuthenticatorKeyAsync(user);
        var secret = (await users.GetAuthenticatorKeyAsync(user))!;
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        db.Audit(actor with { Action = "mfa.enabled", TargetType = "user", TargetId = user.Id.ToString(), Detail = "enrolled at creation" });
        await db.SaveChangesAsync(cancellationToken);
        return new Created(user, password, secret, codes);
    }

    internal static ValidationErrors Validate(string? email, UserRole? role, string? department, string? displayName)
    {
        var errors = new ValidationErrors();
        errors.Required("email", email, 320);
        if (email is not null && (email.Trim().IndexOf('@', StringComparison.Ordinal) is < 1 || email.Trim().EndsWith('@') || email.Trim().Contains(' ', StringComparison.Ordinal)))
        {
            errors.Add("email", "Not an email address.");
        }

        if (role is null || !Enum.IsDefined(role.Value))
        {
            errors.Add("role", "One of agent, specialist, lead, admin, department_member, auditor.");
        }
        else if (role == UserRole.DepartmentMember && (department is null || !Departments.All.ContainsKey(department)))
        {
            errors.Add("department", $"A department member needs a department: one of {Departments.List}.");
        }
        else if (role != UserRole.DepartmentMember && department is not null)
        {
            errors.Add("department", "Only department members belong to a department.");
        }

        errors.MaxLength("displayName", displayName, TrustDeskUser.DisplayNameMaxLength);
        return errors;
    }

    /// <summary>20 random characters from an alphabet without look-alikes: about 115 bits.</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Create(24, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (i + 1) % 5 == 0 ? '-' : alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }
}

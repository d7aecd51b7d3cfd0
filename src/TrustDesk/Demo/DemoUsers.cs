using TrustDesk.Api;
using Microsoft.AspNetCore.Identity;
using TrustDesk.Identity;

namespace TrustDesk.Demo;

/// <summary>
/// One user of each role for the demo, with sign-in details printed at start. DEMO ONLY: their passwords are reset at
/// every demo start and the TOTP secrets printed so a tester can compute codes; a real deployment creates users with
/// <c>trustdesk admin create</c> and the users API, where secrets are shown once to their owner.
/// </summary>
public static class DemoUsers
{
    public sealed record SignInDetails(string Email, UserRole Role, string? Department, string Password, string? TotpSecret);

    private static readonly (string Email, UserRole Role, string? Department)[] People =
    [
        ("agent@demo.trustdesk.test", UserRole.Agent, null),
        ("specialist@demo.trustdesk.test", UserRole.Specialist, null),
        ("lead@demo.trustdesk.test", UserRole.Lead, null),
        ("admin@demo.trustdesk.test", UserRole.Admin, null),
        ("payments@demo.trustdesk.test", UserRole.DepartmentMember, "payments"),
        ("auditor@demo.trustdesk.test", UserRole.Auditor, null),
    ];

    public static async Task<List<SignInDetails>> EnsureAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var details = new List<SignInDetails>();
        foreach (var (email, role, department) in People)
        {
            await using var scope = services.CreateAsyncScope();
            var provider = scope.ServiceProvider;
            var users = provider.GetRequiredService<UserManager<TrustDeskUser>>();
            var password = CreateUser.GeneratePassword();
            var existing = await users.FindByEmailAsync(email);
            if (existing is null)
            {
                var now = provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
                var created = (CreateUser.Created)await provider.GetRequiredService<CreateUser>().HandleAsync(
                    new CreateUserRequest(email, role, department, null), password, enrolMfa: true,
                    AuditRecords.BySystem(now, "", null, null, "demo"), cancellationToken);
                details.Add(new SignInDetails(email, role, department, password, created.TotpSecret));
                continue;
            }

            existing.PasswordHash = users.PasswordHasher.HashPassword(existing, password);
            existing.AccessFailedCount = 0;
            existing.LockoutEnd = null;
            await users.UpdateAsync(existing);
            details.Add(new SignInDetails(email, role, department, password,
                existing.TwoFactorEnabled ? await users.GetAuthenticatorKeyAsync(existing) : null));
        }

        return details;
    }
}

namespace TrustDesk.Identity;

/// <summary>Settings under <c>TrustDesk:Identity</c>.</summary>
public sealed class IdentitySettings
{
    /// <summary>Everyone must use TOTP, not only Leads and Admins.</summary>
    public bool RequireMfaForEveryone { get; set; }

    /// <summary>A console session ends after this long without a request.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A console session ends this long after sign-in, however active.</summary>
    public TimeSpan SessionAbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Wrong passwords (or codes) in a row that lock an account.</summary>
    public int LockoutThreshold { get; set; } = 10;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in attempts one IP address may make per <see cref="SignInRateWindow"/>; more are answered 429.</summary>
    public int SignInAttemptsPerIp { get; set; } = 30;
    public TimeSpan SignInRateWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Personal access tokens live at most this long.</summary>
    public int TokenMaxDays { get; set; } = 365;

    public bool MfaRequiredFor(UserRole role) => RequireMfaForEveryone || Permissions.RoleRequiresMfa(role);
}

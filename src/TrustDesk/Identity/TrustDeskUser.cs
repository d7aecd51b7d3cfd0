using Microsoft.AspNetCore.Identity;

namespace TrustDesk.Identity;

/// <summary>
/// A person who signs in: an ASP.NET Core Identity user (email as user name, password hash, authenticator key and
/// recovery codes in Identity's tables) with one role. Lock-out counters are Identity's columns, kept by
/// <see cref="SignIn"/> against <see cref="TimeProvider"/>.
/// </summary>
public sealed class TrustDeskUser : IdentityUser<Guid>
{
    public const int DisplayNameMaxLength = 200;

    public string DisplayName { get; set; } = "";
    public UserRole Role { get; set; }

    /// <summary>The department code of a <see cref="UserRole.DepartmentMember"/>; null for everyone else.</summary>
    public string? Department { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DisabledAt { get; set; }

    /// <summary>The last TOTP time step accepted, so one code cannot be used twice.</summary>
    public long LastTotpStep { get; set; }

    public bool IsDisabled => DisabledAt is not null;
}

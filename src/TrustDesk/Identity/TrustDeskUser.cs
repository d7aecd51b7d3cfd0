using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.AspNetCore.Identity;
using TrustDesk.Data;

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

/// <summary>
/// How users are stored: ASP.NET Core Identity's user-only schema (the tables and indexes its <c>IdentityUserContext</c>
/// would map: users, claims, logins, tokens), mapped here so the DbContext need not derive from Identity's.
/// </summary>
internal sealed class TrustDeskUserConfiguration : IEntityTypeConfiguration<TrustDeskUser>
{
    public void Configure(EntityTypeBuilder<TrustDeskUser> b)
    {
        b.ToTable("AspNetUsers");
        b.HasKey(u => u.Id);
        b.HasIndex(u => u.NormalizedUserName).HasDatabaseName("UserNameIndex").IsUnique();
        b.HasIndex(u => u.NormalizedEmail).HasDatabaseName("EmailIndex");
        b.Property(u => u.ConcurrencyStamp).IsConcurrencyToken();
        b.Property(u => u.UserName).HasMaxLength(256);
        b.Property(u => u.NormalizedUserName).HasMaxLength(256);
        b.Property(u => u.Email).HasMaxLength(256);
        b.Property(u => u.NormalizedEmail).HasMaxLength(256);
        b.Property(u => u.DisplayName).HasMaxLength(TrustDeskUser.DisplayNameMaxLength);
        b.Property(u => u.Role).HasConversion<string>().HasMaxLength(20);
        b.Property(u => u.Department).HasMaxLength(40);
        b.HasMany<IdentityUserClaim<Guid>>().WithOne().HasForeignKey(c => c.UserId).IsRequired();
        b.HasMany<IdentityUserLogin<Guid>>().WithOne().HasForeignKey(l => l.UserId).IsRequired();
        b.HasMany<IdentityUserToken<Guid>>().WithOne().HasForeignKey(t => t.UserId).IsRequired();
    }
}

internal sealed class IdentityUserClaimConfiguration : IEntityTypeConfiguration<IdentityUserClaim<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityUserClaim<Guid>> b)
    {
        b.ToTable("AspNetUserClaims");
        b.HasKey(c => c.Id);
    }
}

internal sealed class IdentityUserLoginConfiguration : IEntityTypeConfiguration<IdentityUserLogin<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityUserLogin<Guid>> b)
    {
        b.ToTable("AspNetUserLogins");
        b.HasKey(l => new { l.LoginProvider, l.ProviderKey });
    }
}

internal sealed class IdentityUserTokenConfiguration : IEntityTypeConfiguration<IdentityUserToken<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityUserToken<Guid>> b)
    {
        b.ToTable("AspNetUserTokens");
        b.HasKey(t => new { t.UserId, t.LoginProvider, t.Name });
    }
}

/// <summary>Identity's tables as sets on the one DbContext.</summary>
public static class IdentityTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<TrustDeskUser> Users => db.Set<TrustDeskUser>();
        public DbSet<UserSession> UserSessions => db.Set<UserSession>();
        public DbSet<PersonalAccessToken> PersonalAccessTokens => db.Set<PersonalAccessToken>();
    }
}

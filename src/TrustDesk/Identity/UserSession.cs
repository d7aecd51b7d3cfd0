using TrustDesk.Api;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using System.Security.Cryptography;

namespace TrustDesk.Identity;

/// <summary>
/// A console sign-in, kept on the server: the browser holds only a random id whose SHA-256 is stored here. Signing
/// out, disabling the user or a timeout ends the row, and the next request with that cookie is refused.
/// </summary>
public sealed class UserSession
{
    private UserSession()
    {
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public string Hash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime LastSeenAt { get; private set; }
    public DateTime? EndedAt { get; private set; }

    /// <summary>signed_out, idle, expired, disabled, role_changed.</summary>
    public string? EndReason { get; private set; }

    /// <summary>False while a user who must use MFA has not enrolled yet: such a session may only enrol.</summary>
    public bool MfaSatisfied { get; private set; }
    public string? Ip { get; private set; }

    public static (UserSession Session, string Secret) Start(Guid userId, bool mfaSatisfied, string? ip, DateTime now)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (new UserSession
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Hash = SecretHash.Of(secret),
            CreatedAt = now,
            LastSeenAt = now,
            MfaSatisfied = mfaSatisfied,
            Ip = ip,
        }, secret);
    }


    public void SatisfyMfa() => MfaSatisfied = true;

    public void End(string reason, DateTime now)
    {
        EndedAt ??= now;
        EndReason ??= reason;
    }
}

/// <summary>How <see cref="UserSession"/> is stored.</summary>
internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.ToTable("UserSessions");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Hash).HasMaxLength(64);
        b.Property(s => s.EndReason).HasMaxLength(20);
        b.Property(s => s.Ip).HasMaxLength(64);
        b.HasIndex(s => s.Hash).IsUnique();
        b.HasIndex(s => new { s.UserId, s.EndedAt });
        b.HasOne<TrustDeskUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

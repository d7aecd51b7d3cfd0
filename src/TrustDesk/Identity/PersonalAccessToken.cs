using TrustDesk.Api;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using System.Security.Cryptography;

namespace TrustDesk.Identity;

/// <summary>
/// A token an agent scripts the API with (<c>Authorization: Bearer tdp_...</c>). It acts as its user, with the user's
/// permissions (less the admin ones), and stops working when the user is disabled. Stored as SHA-256, like API keys.
/// </summary>
public sealed class PersonalAccessToken
{
    public const string SecretPrefix = "tdp_";
    public const int NameMaxLength = 200;

    private PersonalAccessToken()
    {
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public string Name { get; private set; } = "";
    public string Hash { get; private set; } = "";
    public string DisplayPrefix { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    public static (PersonalAccessToken Token, string Secret) Create(Guid userId, string name, DateTime expiresAt, DateTime now)
    {
        var secret = SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', 'A').Replace('/', 'B');
        return (new PersonalAccessToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Name = name,
            Hash = SecretHash.Of(secret),
            DisplayPrefix = secret[..11],
            CreatedAt = now,
            ExpiresAt = expiresAt,
        }, secret);
    }

    public void Revoke(DateTime now) => RevokedAt ??= now;
}

/// <summary>How <see cref="PersonalAccessToken"/> is stored.</summary>
internal sealed class PersonalAccessTokenConfiguration : IEntityTypeConfiguration<PersonalAccessToken>
{
    public void Configure(EntityTypeBuilder<PersonalAccessToken> b)
    {
        b.ToTable("PersonalAccessTokens");
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.Name).HasMaxLength(PersonalAccessToken.NameMaxLength);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.Property(t => t.DisplayPrefix).HasMaxLength(16);
        b.HasIndex(t => t.Hash).IsUnique();
        b.HasIndex(t => t.UserId);
        b.HasOne<TrustDeskUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

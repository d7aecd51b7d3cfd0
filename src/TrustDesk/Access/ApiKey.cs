using TrustDesk.Api;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using System.Security.Cryptography;

namespace TrustDesk.Access;

/// <summary>
/// A platform's key to the API. Only the SHA-256 of the secret is stored: the secret has 256 bits of entropy, so a
/// fast hash is enough and keeps authentication cheap on the intake path.
/// </summary>
public sealed class ApiKey
{
    public const string SecretPrefix = "td_";

    private ApiKey()
    {
    }

    private ApiKey(string name, string hash, string displayPrefix, IEnumerable<string> scopes, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        Name = name;
        Hash = hash;
        DisplayPrefix = displayPrefix;
        Scopes = scopes.ToList();
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string Hash { get; private set; } = "";

    /// <summary>The first characters of the secret, so people can tell their keys apart.</summary>
    public string DisplayPrefix { get; private set; } = "";
    public List<string> Scopes { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    /// <summary>Makes a new key; the secret is returned once and never stored.</summary>
    public static (ApiKey Key, string Secret) Create(string name, IEnumerable<string> scopes, DateTime now)
    {
        var secret = SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', 'A').Replace('/', 'B');
        return (new ApiKey(name, SecretHash.Of(secret), secret[..10], scopes, now), secret);
    }

    public void Revoke(DateTime now) => RevokedAt ??= now;
}

/// <summary>How <see cref="ApiKey"/> is stored.</summary>
internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("ApiKeys");
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.Name).HasMaxLength(200);
        b.Property(k => k.Hash).HasMaxLength(64);
        b.Property(k => k.DisplayPrefix).HasMaxLength(16);
        b.HasIndex(k => k.Hash).IsUnique();
    }
}
